package dev.jrun.cli;

/** Entry point; the subcommands are wired up in {@link JrunCommand}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("jrun 0.1.0");
            return;
        }
        System.err.println("jrun: not implemented yet");
        System.exit(2);
    }
}
