package org.tandemha.protocol;

import java.util.Objects;

/** The XAPI pool, by its UUID (HA-Lizard's home-pool token holds this value). */
public record PoolId(String uuid) {
  public PoolId {
    Objects.requireNonNull(uuid, "pool uuid");
    if (uuid.isBlank()) throw new IllegalArgumentException("pool uuid must not be blank");
  }
  @Override public String toString() { return uuid; }
}
