package dev.jrun.runner.supervise;

/** Time as the watchdogs see it; injected so that their tests need not wait for real timeouts. */
public interface Clock {
    long nanoTime();

    void sleepMillis(long millis);

    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepMillis(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    };
}
