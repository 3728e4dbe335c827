package dev.jrun.cli;

/** One line per failure; a stack trace only with --debug (or JRUN_DEBUG=1). */
final class Errors {
    private Errors() {}

    static void report(Throwable t) {
        String msg = t.getMessage() == null ? t.toString() : t.getMessage();
        System.err.println("jrun: internal error: " + msg + (Main.debug ? "" : " (run with --debug for details)"));
        if (Main.debug || "1".equals(System.getenv("JRUN_DEBUG"))) t.printStackTrace();
    }
}
