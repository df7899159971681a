package org.tandemha.protocol;

import java.util.Objects;

/** A pool host, by its XAPI UUID (stable across pool-master changes, unlike OpaqueRefs). */
public record HostId(String uuid) implements Comparable<HostId> {
  public HostId {
    Objects.requireNonNull(uuid, "host uuid");
    if (uuid.isBlank()) throw new IllegalArgumentException("host uuid must not be blank");
  }
  @Override public int compareTo(HostId o) { return uuid.compareTo(o.uuid); }
  @Override public String toString() { return uuid; }
}
