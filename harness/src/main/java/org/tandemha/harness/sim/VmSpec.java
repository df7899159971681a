package org.tandemha.harness.sim;

import java.util.Map;
import java.util.Objects;

/**
 * One simulated guest VM. A Running VM must name the host it is resident on; a Halted one must not
 * (the §4.2 invariant resident_on != NULL ⇔ Running).
 *
 * @param startDelay seconds VM.start sleeps before replying, as xapi does
 */
public record VmSpec(String uuid, String name, String powerState, String residentOnHostUuid,
                     Map<String, String> otherConfig, long order, long startDelay) {
    public VmSpec {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(name, "name");
        if (!"Running".equals(powerState) && !"Halted".equals(powerState)) {
            throw new IllegalArgumentException("powerState must be Running or Halted: " + powerState);
        }
        if ("Running".equals(powerState) != (residentOnHostUuid != null)) {
            throw new IllegalArgumentException(
                    "VM " + uuid + ": a Running VM needs residentOnHostUuid, a Halted one must have none");
        }
        otherConfig = otherConfig == null ? Map.of() : Map.copyOf(otherConfig);
    }
}
