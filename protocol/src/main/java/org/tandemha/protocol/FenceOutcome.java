package org.tandemha.protocol;

import java.time.Instant;

/** The answer to a fence request. Only Confirmed (power read back OFF) lets a host take the peer's work. */
public sealed interface FenceOutcome extends CborSerializable {
  HostId target();
  record Confirmed(HostId target, String device, String evidence, Instant at) implements FenceOutcome {}
  record Failed(HostId target, String device, String reason, Instant at) implements FenceOutcome {}
}
