package org.tandemha.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/** A pool host, by its XAPI UUID (stable across pool-master changes, unlike OpaqueRefs). */
public record HostId(String uuid) implements Comparable<HostId> {
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)   // a plain string in the journal and on the wire
  public HostId {
    Objects.requireNonNull(uuid, "host uuid");
    if (uuid.isBlank()) throw new IllegalArgumentException("host uuid must not be blank");
  }
  @Override public int compareTo(HostId o) { return uuid.compareTo(o.uuid); }
  @JsonValue public String uuid() { return uuid; }
  @Override public String toString() { return uuid; }
}
