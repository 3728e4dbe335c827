package dev.jrun.plan;

/**
 * How a plan is run: in the foreground of the jrun command (the default), or detached, supervised
 * by this user's jrun service and outliving the command; {@code staticInit}: the host path of the
 * static init a detached container gets as PID 1 (null: jrun's own init, a copy of the JVM).
 */
public record PlanOptions(boolean detached, String staticInit) {
    public static final PlanOptions FOREGROUND = new PlanOptions(false, null);
}
