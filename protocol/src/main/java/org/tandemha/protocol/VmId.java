package org.tandemha.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/** A VM, by its XAPI UUID. */
public record VmId(String uuid) {
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)   // a plain string in the journal and on the wire
  public VmId {
    Objects.requireNonNull(uuid, "vm uuid");
    if (uuid.isBlank()) throw new IllegalArgumentException("vm uuid must not be blank");
  }
  @JsonValue public String uuid() { return uuid; }
  @Override public String toString() { return uuid; }
}
