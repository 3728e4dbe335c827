package dev.jrun.jul;

/** The fields of {@code java.util.logging.LogRecord} that commons-logging fills in. */
public class LogRecord {
    private final Level level;
    private final String message;
    private Throwable thrown;

    public LogRecord(Level level, String message) {
        this.level = level;
        this.message = message;
    }

    public Level getLevel() {
        return level;
    }

    public String getMessage() {
        return message;
    }

    public Throwable getThrown() {
        return thrown;
    }

    public void setThrown(Throwable thrown) {
        this.thrown = thrown;
    }

    public void setSourceClassName(String name) {
        // not printed
    }

    public void setSourceMethodName(String name) {
        // not printed
    }
}
