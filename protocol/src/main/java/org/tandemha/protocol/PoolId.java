package org.tandemha.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/** The XAPI pool, by its UUID (HA-Lizard's home-pool token holds this value). */
public record PoolId(String uuid) {
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)   // a plain string in the journal and on the wire
  public PoolId {
    Objects.requireNonNull(uuid, "pool uuid");
    if (uuid.isBlank()) throw new IllegalArgumentException("pool uuid must not be blank");
  }
  @JsonValue public String uuid() { return uuid; }
  @Override public String toString() { return uuid; }
}
