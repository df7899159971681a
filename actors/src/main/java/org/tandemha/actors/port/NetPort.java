package org.tandemha.actors.port;

import java.time.Duration;

/** Network checks done by this node itself. */
public interface NetPort {
  /** One echo to the address within the timeout (HA-Lizard's ping, used by the IP-heuristics vote). */
  boolean answers(String address, Duration timeout);
}
