package dev.jrun.spec;

/** A place in a spec file, 1-based, as compilers print it: {@code file:line:col}. */
public record Location(String file, int line, int col) {
    public static Location unknown(String file) {
        return new Location(file, 0, 0);
    }

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + col : file;
    }
}
