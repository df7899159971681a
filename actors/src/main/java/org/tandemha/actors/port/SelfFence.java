package org.tandemha.actors.port;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * This host fencing itself: the last resort of a node that must stop its work and cannot be sure anyone
 * else will. Real adapter: an immediate reboot (sysrq); simulated: the harness powers the simulated host
 * off. It does not return when it works.
 */
public interface SelfFence {
  /** What firing does, for logs and status, e.g. {@code sysrq reboot}. */
  String method();

  void fire(String reason);

  /**
   * The watchdog this host arms (issue #7 item 6), when one is configured: the self-fence that needs no working
   * JVM — a host that stops feeding it, because it lost quorum or because it stalled, is reset by the device.
   */
  default Optional<Watchdog> watchdog() { return Optional.empty(); }

  /**
   * A watchdog device ({@code /dev/watchdog}). Once opened it resets the host unless it is written to within its
   * timeout; it is never disarmed: no magic close ('V'), so a Tandem that exits or dies leaves it running, and the
   * peer's reliance on "silent for longer than the timeout means reset" holds whatever happened here.
   */
  interface Watchdog {
    /** The device, for logs and the journal. */
    String device();

    /** How long after the last feed the device resets the host; what this node advertises to its peers. */
    Duration timeout();

    /** Opens the device the first time (arming it), then writes one keep-alive byte — never 'V'. */
    void feed() throws IOException;

    /** The device has been opened by this process: it is armed and stays so until the host resets. */
    boolean opened();
  }
}
