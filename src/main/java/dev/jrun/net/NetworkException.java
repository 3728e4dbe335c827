package dev.jrun.net;

/** A network step could not be done: the message says what, on what, and what to do. */
public final class NetworkException extends Exception {
    public NetworkException(String message) {
        super(message, null, false, false);
    }
}
