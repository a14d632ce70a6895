package dev.convnet.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the server publishes about its files: names, never where they live. A run record keeps the
 * command as typed ({@code convnet train -o /home/ana/models/model.zip}) and the data folder; over
 * HTTP each absolute path becomes its last name ({@code model.zip}), so a page that reads
 * {@code /model} learns nothing about the machine's folders or user names.
 */
public final class PublicPaths {
    /**
     * An absolute path (Unix {@code /a/b}, home {@code ~/a}, Windows {@code C:\a}) at the start of a
     * word, after = or a quote, or attached to short options ({@code -o/a/b}, {@code -vo/a/b}, as picocli reads them).
     */
    private static final Pattern ABSOLUTE = Pattern.compile(
            "(^|[\\s=:\"'(,]|(?<=^|\\s)-[A-Za-z]+)((?:~|[A-Za-z]:)?[/\\\\][^\\s\"',)]*)");

    private PublicPaths() {
    }

    /** An absolute path in single or double quotes, which may hold spaces ({@code '/home/Ana Smith/m.zip'}). */
    private static final Pattern QUOTED = Pattern.compile("(['\"])((?:~|[A-Za-z]:)?[/\\\\][^'\"]*)\\1");

    /** {@code text} with every absolute path replaced by its file name. */
    public static String strip(String text) {
        Matcher quoted = QUOTED.matcher(text);
        StringBuilder unquoted = new StringBuilder();
        while (quoted.find()) {
            quoted.appendReplacement(unquoted, Matcher.quoteReplacement(quoted.group(1) + fileName(quoted.group(2)) + quoted.group(1)));
        }
        quoted.appendTail(unquoted);
        text = unquoted.toString();
        Matcher m = ABSOLUTE.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(m.group(1) + fileName(m.group(2))));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** A JSON-ready document (maps, lists, strings, numbers) with {@link #strip} applied to every string. */
    public static Object strip(Object document) {
        if (document instanceof String s) {
            return strip(s);
        }
        if (document instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), strip(v)));
            return out;
        }
        if (document instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(strip(v)));
            return out;
        }
        return document;
    }

    private static String fileName(String path) {
        String trimmed = path.replaceAll("[/\\\\]+$", "");
        int slash = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
        String name = trimmed.substring(slash + 1);
        return name.isEmpty() || name.equals("~") || name.endsWith(":") ? "." : name;
    }
}
