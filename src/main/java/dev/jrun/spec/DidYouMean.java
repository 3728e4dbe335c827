package dev.jrun.spec;

import java.util.Collection;
import java.util.Locale;

/** "did you mean" suggestions for misspelled keys and enum values, and quoting for messages. */
public final class DidYouMean {
    private DidYouMean() {}

    /**
     * The candidate closest to {@code word} by optimal-string-alignment distance (so a swapped
     * pair like "mounst" costs 1), or null when none is close enough to be a plausible typo.
     * Ties go to the alphabetically first candidate, so the output is stable.
     */
    public static String closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String w = word.toLowerCase(Locale.ROOT);
        for (String c : candidates) {
            int d = distance(w, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance || (d == bestDistance && best != null && c.compareTo(best) < 0)) {
                best = c;
                bestDistance = d;
            }
        }
        // One edit in a short word, up to a third of the letters in a longer one.
        return best != null && bestDistance <= Math.max(1, word.length() / 3) ? best : null;
    }

    /** {@code "; did you mean \"x\"?"}, or "" when nothing is close. */
    public static String hint(String word, Collection<String> candidates) {
        String c = closest(word, candidates);
        return c == null ? "" : "; did you mean \"" + c + "\"?";
    }

    /** Damerau-Levenshtein distance, optimal string alignment variant. */
    static int distance(String a, String b) {
        int n = a.length();
        int m = b.length();
        if (Math.abs(n - m) > 8) return Math.abs(n - m);
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) d[i][0] = i;
        for (int j = 0; j <= m; j++) d[0][j] = j;
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[n][m];
    }

    /**
     * {@code "text"} with quotes, backslashes and control characters escaped, for one-line
     * messages; text longer than 80 characters is cut with "...", a message is not a dump.
     */
    public static String quote(String s) {
        int n = Math.min(s.length(), 80);
        StringBuilder b = new StringBuilder(n + 8).append('"');
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        if (n < s.length()) b.append("...");
        return b.append('"').toString();
    }
}
