package org.tandemha.actors.port;

import java.util.List;

/**
 * This host's replicated storage (issue #8): DRBD resources, the iSCSI target, the floating IP. Real adapter
 * {@code drbd-iscsi/…/HostStorage} (drbdadm, tgtd/tgtadm, ip, arping); simulated in the harness. Every call is
 * bounded and idempotent; one that fails throws {@link StorageError} naming the step and what the tool said.
 */
public interface StoragePort {
  /** For logs and status, e.g. {@code DRBD iscsi1, tgtd, 10.77.0.100/24 on eth0}. */
  String describe();

  /** The DRBD resources (in configured order), the target and the floating IP as they are now. */
  Observed observe();

  /** Does the floating IP answer on the network while it is not on this host? */
  boolean floatingIpAnswersElsewhere();

  void promote(String resource);

  void demote(String resource);

  void startTarget();

  void stopTarget();

  /** Adds the floating IP and sends the gratuitous ARP without waiting for it. */
  void addFloatingIp();

  void removeFloatingIp();

  /**
   * DRBD's documented split-brain recovery for one resource, then the recorded split brain cleared: on the
   * survivor {@code connect}; on the victim {@code disconnect}, {@code secondary}, {@code connect --discard-my-data}
   * (its changes since the split are lost).
   */
  void resolveSplitBrain(String resource, boolean survivor);

  /**
   * One resource as read: DRBD's own words, for status; {@code splitBrain} = Tandem's split-brain handler recorded
   * one for it and no operator has resolved it.
   */
  record Resource(String name, String role, List<String> disks, String connection, String peerRole,
                  List<String> peerDisks, boolean splitBrain) {
    public Resource {
      disks = List.copyOf(disks);
      peerDisks = List.copyOf(peerDisks);
    }

    public boolean primary() { return role.equals("Primary"); }

    public boolean peerConnected() { return connection.equals("Connected"); }

    public boolean peerPrimary() { return peerRole.equals("Primary"); }
  }

  /**
   * @param targetRunning the target answers with every configured target and LUN (serving)
   * @param targetPresent any of it is there: a target process alive (answering or not) — what a demotion stops
   */
  record Observed(List<Resource> resources, boolean targetRunning, boolean targetPresent, boolean ipLocal) {
    public Observed { resources = List.copyOf(resources); }

    public Observed(List<Resource> resources, boolean targetRunning, boolean ipLocal) {
      this(resources, targetRunning, targetRunning, ipLocal);
    }
  }

  /** A storage step failed, or its state could not be read. */
  final class StorageError extends RuntimeException {
    public StorageError(String message) { super(message); }
  }
}
