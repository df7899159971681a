package org.tandemha.actors.port;

import java.time.Instant;

/** The only way actors read time, so simulated runs can move it. */
@FunctionalInterface
public interface Clock {
  Instant now();

  static Clock system() { return Instant::now; }
}
