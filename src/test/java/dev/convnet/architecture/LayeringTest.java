package dev.convnet.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.GeneralCodingRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency direction, checked on the compiled classes of src/main: the launcher
 * ({@code dev.convnet.ConvNet}) → the command line (cli/) → the HTTP front ends it starts (web/:
 * {@code convnet serve}; live/: the page of {@code train --live}) → application (app/) → services
 * (train/, eval/, report/, interop/, http/: what both servers answer and publish) → core (engine/, model/, data/, run/, runtime/, predict/). A
 * package may use any lower layer, never a higher one, and no two packages may depend on each
 * other in a cycle.
 */
class LayeringTest {
    private static final String LAUNCHER = "launcher";
    private static final String COMMAND_LINE = "command line";
    private static final String SERVERS = "servers";
    private static final String APPLICATION = "application";
    private static final String SERVICES = "services";
    private static final String CORE = "core";

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.convnet");
    }

    @Test
    void lowerLayersNeverUseHigherOnes() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer(LAUNCHER).definedBy("dev.convnet")
                .layer(COMMAND_LINE).definedBy("dev.convnet.cli..")
                .layer(SERVERS).definedBy("dev.convnet.web..", "dev.convnet.live..")
                .layer(APPLICATION).definedBy("dev.convnet.app..")
                .layer(SERVICES).definedBy("dev.convnet.train..", "dev.convnet.eval..", "dev.convnet.report..",
                        "dev.convnet.interop..", "dev.convnet.http..")
                .layer(CORE).definedBy("dev.convnet.engine..", "dev.convnet.model..", "dev.convnet.data..",
                        "dev.convnet.run..", "dev.convnet.platform..", "dev.convnet.picture..")
                .whereLayer(LAUNCHER).mayNotBeAccessedByAnyLayer()
                .whereLayer(COMMAND_LINE).mayOnlyBeAccessedByLayers(LAUNCHER)
                .whereLayer(SERVERS).mayOnlyBeAccessedByLayers(COMMAND_LINE)
                .whereLayer(APPLICATION).mayOnlyBeAccessedByLayers(SERVERS, COMMAND_LINE)
                .whereLayer(SERVICES).mayOnlyBeAccessedByLayers(APPLICATION, SERVERS, COMMAND_LINE)
                .whereLayer(CORE).mayOnlyBeAccessedByLayers(SERVICES, APPLICATION, SERVERS, COMMAND_LINE)
                .check(main);
    }

    @Test
    void theLauncherUsesOnlyTheCommandLine() {
        classes().that().resideInAPackage("dev.convnet")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.convnet", "dev.convnet.cli..", "picocli..", "java..")
                .check(main);
    }

    @Test
    void theTwoServersDoNotUseEachOther() {
        noClasses().that().resideInAPackage("dev.convnet.web..")
                .should().dependOnClassesThat().resideInAPackage("dev.convnet.live..").check(main);
        noClasses().that().resideInAPackage("dev.convnet.live..")
                .should().dependOnClassesThat().resideInAPackage("dev.convnet.web..").check(main);
    }

    @Test
    void runRecordsDependOnNothingOfOurs() {
        classes().that().resideInAPackage("dev.convnet.run..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.convnet.run..", "java..")
                .check(main);
    }

    @Test
    void packagesFormNoCycles() {
        slices().matching("dev.convnet.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void onlyFrontEndsAndReportsPrint() {
        noClasses().that().resideOutsideOfPackages("dev.convnet.cli..", "dev.convnet.web..", "dev.convnet.live..",
                        "dev.convnet.report..")
                .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS).check(main);
    }
}
