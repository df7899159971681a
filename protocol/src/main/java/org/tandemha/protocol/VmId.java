package org.tandemha.protocol;

import java.util.Objects;

/** A VM, by its XAPI UUID. */
public record VmId(String uuid) {
  public VmId {
    Objects.requireNonNull(uuid, "vm uuid");
    if (uuid.isBlank()) throw new IllegalArgumentException("vm uuid must not be blank");
  }
  @Override public String toString() { return uuid; }
}
