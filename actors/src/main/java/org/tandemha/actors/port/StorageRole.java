package org.tandemha.actors.port;

import org.tandemha.protocol.HostId;

/**
 * The storage role a dead master's takeover hands to this host — DRBD Primary, iSCSI target, floating IP —
 * after the fence and the VM power resets, before any VM starts (TakeoverPlan HAND_OVER_STORAGE). The
 * storage role actor of the storage issue implements it; until then, and in pools without replicated
 * storage, {@link #NONE}.
 */
public interface StorageRole {
  /** For logs and the journal, e.g. {@code none configured} or {@code DRBD r0, iSCSI, 10.77.0.50}. */
  String describe();

  /** Takes the role over from the fenced host; idempotent; throws if a step fails (the takeover stops there). */
  void takeOverFrom(HostId fenced);

  /**
   * For the fencing gate, before a fence is asked: each DRBD resource this host shares with {@code peer}, and whether
   * its replication link reads Connected now (a live link means a live peer). Empty when unknown or none.
   */
  default java.util.Map<String, Boolean> replicationLinks(HostId peer) { return java.util.Map.of(); }

  StorageRole NONE = new StorageRole() {
    @Override public String describe() { return "no replicated storage configured"; }
    @Override public void takeOverFrom(HostId fenced) { }
  };
}
