package dev.convnet.cli;

import java.util.Locale;

/** Whether a mistyped option or command name is close to a real one, for "did you mean" hints. */
final class Typos {
    private Typos() {
    }

    /**
     * True when {@code known} is {@code typed} with at most one edit per four characters (one at
     * least: an insertion, deletion, substitution or swap of two neighbours), or starts with it
     * ({@code --val} for {@code --validation-split}); case is ignored. {@code --prot} is near
     * {@code --port}, {@code --epoch} near {@code --epochs}, {@code trian} near {@code train}.
     */
    static boolean near(String typed, String known) {
        String a = typed.toLowerCase(Locale.ROOT);
        String b = known.toLowerCase(Locale.ROOT);
        if (typed.equals(known) || a.replaceFirst("^-+", "").length() < 2 || a.length() > 64) { // 64: no name is longer
            return false;
        }
        if (b.startsWith(a) && a.replaceFirst("^-+", "").length() >= 3) {
            return true;
        }
        int letters = Math.max(a.replaceFirst("^-+", "").length(), 1);
        return distance(a, b) <= Math.max(1, letters / 4);
    }

    /**
     * Optimal string alignment distance: the Levenshtein distance with swaps of two neighbouring
     * characters counting one edit (Damerau 1964, "A technique for computer detection and correction
     * of spelling errors", Comm. ACM 7(3)).
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
