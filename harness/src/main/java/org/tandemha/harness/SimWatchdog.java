package org.tandemha.harness;

import java.time.Duration;
import org.tandemha.actors.port.SelfFence;

/**
 * The simulated host's watchdog device (hardware, so simulated: issue #7 allows it): like /dev/watchdog it starts
 * counting when first fed and, once {@link #timeout()} passes without a feed, resets the host — here it switches the
 * simulated host off through {@code onExpiry} (the node dies with it). It cannot be stopped.
 */
public final class SimWatchdog implements SelfFence.Watchdog {
  private final Duration timeout;
  private final Runnable onExpiry;
  private volatile long lastFeed;
  private Thread device;

  public SimWatchdog(Duration timeout, Runnable onExpiry) {
    this.timeout = timeout;
    this.onExpiry = onExpiry;
  }

  @Override public String device() { return "simulated watchdog"; }

  @Override public Duration timeout() { return timeout; }

  @Override public synchronized boolean opened() { return device != null; }

  @Override public synchronized void feed() {
    lastFeed = System.nanoTime();
    if (device != null) return;
    device = new Thread(() -> {
      while (System.nanoTime() - lastFeed < timeout.toNanos()) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.err.println("simulated watchdog: not fed for " + timeout.toSeconds() + "s: resetting this host");
      onExpiry.run();
    }, "sim-watchdog-device");
    device.setDaemon(true);
    device.start();
  }
}
