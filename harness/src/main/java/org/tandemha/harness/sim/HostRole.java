package org.tandemha.harness.sim;

/** What a host's xapi believes it is: the master, or a slave of the master at {@code masterAddress}. */
public record HostRole(boolean master, String masterAddress) {
    public static HostRole coordinator() {
        return new HostRole(true, null);
    }

    public static HostRole slaveOf(String masterAddress) {
        return new HostRole(false, masterAddress);
    }

    @Override
    public String toString() {
        return master ? "MASTER" : "SLAVE(" + masterAddress + ")";
    }
}
