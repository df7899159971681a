package org.tandemha.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One node's answer to {@code tandem status}: what HA-Lizard's {@code ha-cfg status} box showed, plus what Tandem's
 * safety rests on. Sent between nodes' AdminActors, so a status asked on one host shows every node.
 *
 * @param role            {@code master}, {@code slave}, or {@code unknown} before the first pool read
 * @param haEnabled       the pool's HA switch (XenCenter field) as read, raw; empty when unset or not read
 * @param opMode          OP_MODE: 1 vApps, 2 VMs
 * @param globalVmHa      GLOBAL_VM_HA: in OP_MODE 2, every VM is managed (else those with the field true)
 * @param autopromote     the pool's {@code autopromote_uuid}: the slave that takes over a dead master, or
 *                        {@code none_available}; empty when unset
 * @param fence           the fence device(s) of this node, e.g. {@code fence_ipmilan@10.0.0.5}
 * @param realFence       a fence from here powers its target off and reads it back (false: POOL)
 * @param watchdog        this host's self-fence watchdog, e.g. {@code /dev/watchdog 60s}, or {@code none}
 * @param quorum          this node's quorum as it stands (never journaled by asking), or null when it did not answer
 * @param storage         one line on the replicated storage role, or {@code none configured}
 * @param lastTakeover    one line on the last takeover this node began, or {@code none}
 * @param poolReadAt      when this node last read the pool, or null
 * @param poolReadError   the last pool read's error, or empty
 * @param hosts           the pool's hosts as last read
 * @param transport       node-to-node traffic: {@code mutual TLS} or {@code INSECURE plain TCP}; null from a node of a
 *                        version before it was reported (a rolling upgrade: older nodes ignore it, newer ones see null)
 */
public record NodeReport(String host, String hostName, String version, String role, String pool, String master,
                         String haEnabled, int opMode, boolean globalVmHa, boolean armed, boolean suspended, String suspendedBecause,
                         boolean nativeHa, String autopromote, String fence, boolean realFence, String watchdog,
                         QuorumVerdict quorum, String storage, String lastTakeover, Instant poolReadAt,
                         String poolReadError, List<HostLine> hosts, String transport) implements CborSerializable {
  public NodeReport {
    Objects.requireNonNull(host, "host");
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
  }

  /** One pool host as the node last read it. */
  public record HostLine(String uuid, String name, String address, boolean enabled, boolean live, boolean master)
      implements CborSerializable {}

  /** A node that is up but whose guardian did not answer: nothing known but that. */
  public static NodeReport unanswered(String host, String why) {
    return new NodeReport(host, "", Version.current(), "unknown", "", "", "", 0, false, false, false, null, false, "", "",
        false, "", null, "unknown", "unknown", null, why, List.of(), null);
  }

  public NodeReport withQuorum(QuorumVerdict q) {
    return new NodeReport(host, hostName, version, role, pool, master, haEnabled, opMode, globalVmHa, armed, suspended,
        suspendedBecause, nativeHa, autopromote, fence, realFence, watchdog, q, storage, lastTakeover, poolReadAt,
        poolReadError, hosts, transport);
  }

  public NodeReport withStorage(String s) {
    return new NodeReport(host, hostName, version, role, pool, master, haEnabled, opMode, globalVmHa, armed, suspended,
        suspendedBecause, nativeHa, autopromote, fence, realFence, watchdog, quorum, s, lastTakeover, poolReadAt,
        poolReadError, hosts, transport);
  }

  /** The journal's word on suspension and the last takeover (NodeReportGatherer). */
  public NodeReport withStanding(String because, String takeover) {
    return new NodeReport(host, hostName, version, role, pool, master, haEnabled, opMode, globalVmHa, armed, suspended,
        because, nativeHa, autopromote, fence, realFence, watchdog, quorum, storage, takeover, poolReadAt,
        poolReadError, hosts, transport);
  }

  public NodeReport withTakeover(String t) {
    return new NodeReport(host, hostName, version, role, pool, master, haEnabled, opMode, globalVmHa, armed, suspended,
        suspendedBecause, nativeHa, autopromote, fence, realFence, watchdog, quorum, storage, t, poolReadAt,
        poolReadError, hosts, transport);
  }
}
