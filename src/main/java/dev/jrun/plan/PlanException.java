package dev.jrun.plan;

import dev.jrun.spec.Location;

/** A spec that passed lint but cannot be compiled into a plan on this host. */
public class PlanException extends Exception {
    private final Location at;

    public PlanException(Location at, String message) {
        super(message);
        this.at = at;
    }

    public Location at() {
        return at;
    }
}
