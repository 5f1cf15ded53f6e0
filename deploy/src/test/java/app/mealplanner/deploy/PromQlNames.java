package app.mealplanner.deploy;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The metric names and label names a PromQL expression uses. Not a parser: promtool checks that the
 * expressions are valid PromQL (MonitoringTest); this only needs to tell names apart from functions,
 * keywords, numbers, durations and strings.
 */
record PromQlNames(Set<String> metrics, Set<String> labels) {

    /** Aggregation operators and keywords: identifiers that are neither metrics nor function calls. */
    private static final Set<String> KEYWORDS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio", "by", "without", "on",
            "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless", "atan2", "inf", "nan");
    /** Keywords followed by a parenthesised list of label names. */
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");

    static PromQlNames of(String expr) {
        Set<String> metrics = new LinkedHashSet<>();
        Set<String> labels = new LinkedHashSet<>();
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
            } else if (c == '[') {
                i = expr.indexOf(']', i) + 1; // a range or subquery: durations only
            } else if (c == '{') {
                i = matchers(expr, i, labels);
            } else if (c == '#') {
                i = lineEnd(expr, i);
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
                    i++; // a number (0.95, 1e3) or a duration (5m)
                }
            } else if (identifierStart(c)) {
                int start = i;
                while (i < n && identifierPart(expr.charAt(i))) {
                    i++;
                }
                String word = expr.substring(start, i);
                int next = skipSpace(expr, i);
                boolean call = next < n && expr.charAt(next) == '(';
                if (LABEL_LISTS.contains(word) && call) {
                    int close = expr.indexOf(')', next);
                    for (String label : expr.substring(next + 1, close).split(",")) {
                        if (!label.isBlank()) {
                            labels.add(label.strip());
                        }
                    }
                    i = close + 1;
                } else if (!call && !KEYWORDS.contains(word)) {
                    metrics.add(word);
                }
            } else {
                i++;
            }
        }
        return new PromQlNames(metrics, labels);
    }

    /** Label names of a {@code {name="value", …}} block; returns the index after it. */
    private static int matchers(String expr, int open, Set<String> labels) {
        int i = open + 1;
        while (i < expr.length() && expr.charAt(i) != '}') {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
            } else if (identifierStart(c)) {
                int start = i;
                while (i < expr.length() && identifierPart(expr.charAt(i))) {
                    i++;
                }
                labels.add(expr.substring(start, i));
            } else {
                i++;
            }
        }
        return i + 1;
    }

    private static int skipString(String expr, int open) {
        char quote = expr.charAt(open);
        int i = open + 1;
        while (i < expr.length() && expr.charAt(i) != quote) {
            i += expr.charAt(i) == '\\' && quote != '`' ? 2 : 1;
        }
        return i + 1;
    }

    private static int lineEnd(String expr, int i) {
        int end = expr.indexOf('\n', i);
        return end < 0 ? expr.length() : end;
    }

    private static int skipSpace(String expr, int i) {
        while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean identifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    private static boolean identifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':';
    }
}
