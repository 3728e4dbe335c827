package dev.jrun.jul;

import java.io.PrintStream;

/**
 * The {@code java.util.logging.Logger} methods the shaded libraries call. One line per record on
 * stderr: {@code jrun: LOGGER: LEVEL: message[: throwable]}, never a stack trace.
 */
public class Logger {
    /** What java.util.logging's default configuration prints (ConsoleHandler at INFO). */
    static final int THRESHOLD = Level.INFO.intValue();

    private final String name;

    protected Logger(String name) {
        this.name = name;
    }

    public static Logger getLogger(String name) {
        return new Logger(name);
    }

    public String getName() {
        return name;
    }

    public boolean isLoggable(Level level) {
        return level.intValue() >= THRESHOLD && level != Level.OFF;
    }

    public void log(Level level, String msg) {
        log(level, msg, (Object[]) null, null);
    }

    public void log(Level level, String msg, Object param) {
        log(level, msg, new Object[] {param}, null);
    }

    public void log(Level level, String msg, Object[] params) {
        log(level, msg, params, null);
    }

    public void log(Level level, String msg, Throwable thrown) {
        log(level, msg, null, thrown);
    }

    public void logp(Level level, String sourceClass, String sourceMethod, String msg) {
        log(level, msg, null, null);
    }

    public void logp(Level level, String sourceClass, String sourceMethod, String msg, Throwable thrown) {
        log(level, msg, null, thrown);
    }

    public void log(LogRecord record) {
        log(record.getLevel(), record.getMessage(), null, record.getThrown());
    }

    private void log(Level level, String msg, Object[] params, Throwable thrown) {
        if (!isLoggable(level)) return;
        print(System.err, name, level, format(msg, params), thrown);
    }

    static void print(PrintStream err, String logger, Level level, String msg, Throwable thrown) {
        err.println("jrun: " + logger + ": " + level + ": " + msg + (thrown == null ? "" : ": " + thrown));
    }

    /**
     * What java.util.logging's Formatter.formatMessage makes of a message: with parameters, the
     * MessageFormat rules for {N} and quotes ('' is a quote, '...' is literal), in a few lines.
     */
    static String format(String msg, Object[] params) {
        if (msg == null || params == null || params.length == 0) return String.valueOf(msg);
        StringBuilder b = new StringBuilder(msg.length() + 16);
        boolean quoted = false;
        for (int i = 0; i < msg.length(); i++) {
            char c = msg.charAt(i);
            if (c == '\'') {
                if (i + 1 < msg.length() && msg.charAt(i + 1) == '\'') {
                    b.append('\'');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == '{' && !quoted) {
                int close = msg.indexOf('}', i);
                int n = close < 0 ? -1 : index(msg.substring(i + 1, close));
                if (n < 0) {
                    b.append(c);
                } else {
                    b.append(n < params.length ? String.valueOf(params[n]) : "{" + n + "}");
                    i = close;
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static int index(String s) {
        if (s.isEmpty() || s.length() > 3) return -1;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return -1;
        return Integer.parseInt(s);
    }
}
