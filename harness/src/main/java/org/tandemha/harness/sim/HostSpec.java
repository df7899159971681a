package org.tandemha.harness.sim;

import java.util.Objects;

/**
 * One simulated host. {@code address} is the loopback IP its XAPI endpoint binds to, and also the
 * management address that {@code HOST_IS_SLAVE} reports, so clients can follow the redirect.
 */
public record HostSpec(String uuid, String name, String address) {
    public HostSpec {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
    }
}
