package io.herd.e2e;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the metric names a PromQL expression selects, for tests of the monitoring files. */
final class PromQl {

    /** Label matchers, range and subquery selectors, and quoted strings: none names a metric. */
    private static final Pattern NOT_NAMES = Pattern.compile("\\{[^}]*}|\\[[^]]*]|\"(?:[^\"\\\\]|\\\\.)*\"");
    /** Grouping clauses list label names. */
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    /** Grafana's variables ($__rate_interval, ${datasource}). */
    private static final Pattern VARIABLES = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
    /** An identifier not inside a number (1e3) and not a function or aggregation (followed by a parenthesis). */
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])[a-zA-Z_:][\\w:]*(?!\\w|\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN");

    private PromQl() {
    }

    static Set<String> metricNames(String expr) {
        String s = VARIABLES.matcher(expr).replaceAll(" ");
        s = NOT_NAMES.matcher(s).replaceAll(" ");
        s = GROUPING.matcher(s).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group())) {
                names.add(m.group());
            }
        }
        return names;
    }
}
