package org.tandemha.protocol;

import java.time.Instant;
import java.util.List;

/**
 * Every decision that could break the safety rule, written to the journal before the action it records
 * (the "...Issued"/"...Requested"/"...Started" events) or right after its outcome is known.
 */
public sealed interface HaEvent extends JsonSerializable {
  Instant at();

  /** The master's loss was confirmed: the cluster failure detector and every XAPI probe agree. */
  record MasterLost(HostId master, String evidence, Instant at) implements HaEvent {}

  /**
   * Fencing and takeover were disarmed or armed again (pool other-config {@code tandem_armed}, cluster-wide).
   * Disarmed nodes keep observing and restarting halted VMs on live hosts, but never fence or take over.
   */
  record ArmingChanged(boolean armed, String source, Instant at) implements HaEvent {}

  /**
   * HA suspension of this host: it was the winner, could not fence the lost master and had no quorum. Written
   * before it fences itself; after a restart the node stays passive (never promotes) until cleared.
   */
  record Suspended(HostId host, String reason, Instant at) implements HaEvent {}
  /**
   * Isolation self-fence (issue #4 item 11): without quorum for MGT_LINK_LOSS_TOLERANCE, this host hard-stops
   * the guests it runs, journaled before the first one is destroyed.
   */
  /**
   * FENCE_REBOOT_LONE_HOST (halizard-behaviour §2.5): a master that sees no slave, has a failed one and no
   * quorum reboots once to give up its work; journaled before the reboot, so it is never repeated.
   */
  record LoneMasterReboot(HostId host, String reason, Instant at) implements HaEvent {}
  /** The lone master's "rebooted once" mark ends: it sees its slaves again (§2.5 step 3). */
  record LoneMasterRebootCleared(HostId host, String reason, Instant at) implements HaEvent {}
  record IsolationHardStop(HostId host, List<String> vms, String reason, Instant at) implements HaEvent {}

  /** The suspension ended: the master tagged this host healthy again, or an operator resumed it. */
  record SuspensionCleared(HostId host, String source, Instant at) implements HaEvent {}

  /** The master's node confirmed a slave lost: the cluster failure detector and every XAPI probe agree. */
  record SlaveLost(HostId slave, String evidence, Instant at) implements HaEvent {}

  /** The lost slave was fenced and its VMs' power state reset; restarts follow the restart policy. */
  record SlaveRecovered(HostId slave, int vmsReset, Instant at) implements HaEvent {}

  /** Quorum was judged before acting on a lost peer. */
  record QuorumEvaluated(int votes, int needed, boolean quorate, List<String> sources, String reason, Instant at)
      implements HaEvent {
    public QuorumEvaluated { sources = List.copyOf(sources); }
  }

  /** The fencing gate let this node fence only after a delay (FENCE_DELAY_SLAVE in a tie), and why. */
  record FenceDelayed(HostId target, java.time.Duration delay, String reason, Instant at) implements HaEvent {}

  /** This host's self-fence watchdog was opened: from now on it resets the host unless fed within the timeout. */
  record WatchdogArmed(HostId host, String device, java.time.Duration timeout, Instant at) implements HaEvent {}

  /** This node stopped feeding its watchdog (the host resets within the timeout), or fed it again. */
  record WatchdogFeeding(HostId host, boolean feeding, String reason, Instant at) implements HaEvent {}

  /**
   * A POOL "fence" powers nothing off: the lost peer arms a watchdog of {@code timeout}, so it is taken as gone only
   * at {@code deadline} (last contact + timeout + margin) if nothing reaches it by then.
   */
  record PeerWatchdogAwaited(HostId target, java.time.Duration timeout, Instant deadline, String reason, Instant at)
      implements HaEvent {}

  /**
   * The POOL takeover's confirmation (DESIGN.md rule 2): the lost peer's watchdog deadline passed while this side
   * stayed quorate and nothing — no probe, no advert of the peer relayed by any member — showed it alive. Written
   * before anything of the peer's is touched; a resumed takeover counts it as the confirmed fence.
   */
  record PeerGoneByWatchdog(HostId target, Instant deadline, String evidence, Instant at) implements HaEvent {}

  /** The storage role took one step (promote a resource, start the target, add the floating IP, or back). */
  record StorageStep(HostId host, String action, String resource, String reason, Instant at) implements HaEvent {}

  /** A storage step failed: the sequence stops there and is retried with backoff. */
  record StorageStepFailed(HostId host, String action, String resource, String error, Instant at) implements HaEvent {}

  /** The storage role's promotion is held back, and why (the peer not confirmed gone, a split brain, the IP elsewhere). */
  record StorageBlocked(HostId host, String reason, Instant at) implements HaEvent {}

  /**
   * DRBD's split-brain handler recorded a split brain of {@code resource} ({@code detected}), or an operator
   * resolved it ({@code detected = false}): until then no automatic promotion.
   */
  record SplitBrain(HostId host, String resource, boolean detected, String detail, Instant at) implements HaEvent {}

  /**
   * An operator changed a setting through {@code tandem} (written before the change is applied).
   *
   * @param scope  {@code pool}, {@code vm <uuid>}, {@code host <uuid>} — where the key lives
   * @param from   the value before, or empty when unset; secrets are masked ({@code ****})
   * @param source who and how, e.g. {@code root via tandem disable on 3f9a…}
   */
  record ConfigChanged(String scope, String key, String from, String to, String source, Instant at) implements HaEvent {}

  /**
   * DESIGN.md's third way a host is confirmed gone: an operator said so ({@code tandem host declare-dead}), after
   * Tandem checked that nothing reaches it. Written before its work is taken over.
   */
  record OperatorDeclaredDead(HostId host, String source, String evidence, Instant at) implements HaEvent {}

  /** Storage manual mode (iSCSI-HA's): {@code mode} is hold, primary, secondary, or automatic. */
  record StorageManualMode(HostId host, String mode, String source, Instant at) implements HaEvent {}

  record FenceRequested(HostId target, String device, String reason, Instant at) implements HaEvent {}
  record FenceConfirmed(HostId target, String device, String evidence, Instant at) implements HaEvent {}
  record FenceFailed(HostId target, String device, String reason, Instant at) implements HaEvent {}

  /** This node will not take over, and why (not the winner, no quorum, fence failed, ...). */
  record TakeoverRefused(HostId lostMaster, String reason, Instant at) implements HaEvent {}

  /** Written before pool.emergency_transition_to_master is called on this host. */
  record TakeoverStarted(HostId lostMaster, HostId newMaster, String reason, Instant at) implements HaEvent {}

  /** This host answers as pool master after its xapi restarted. */
  record PromotedToMaster(HostId newMaster, HostId oldMaster, Instant at) implements HaEvent {}

  record SlavesRecovered(List<HostId> recovered, Instant at) implements HaEvent {
    public SlavesRecovered { recovered = List.copyOf(recovered); }
  }

  /** Written before VM.power_state_reset of a VM the database still shows on a host confirmed gone. */
  record VmPowerResetIssued(VmId vm, String name, HostId deadHost, Instant at) implements HaEvent {}

  /** The dead master's storage role is this host's now (or there was none to move). */
  record StorageTakenOver(HostId lostMaster, String storage, Instant at) implements HaEvent {}
  record TakeoverFinished(HostId lostMaster, HostId newMaster, int vmsReset, Instant at) implements HaEvent {}

  /** A VM's HA setting cannot be read (e.g. the XenCenter field neither true nor false): reported, never acted on. */
  record VmSettingInvalid(VmId vm, String name, String setting, String value, String consequence, Instant at)
      implements HaEvent {}
  /** Written before VM.start_on. */
  record VmRestartIssued(VmId vm, String name, HostId on, String reason, Instant at) implements HaEvent {}
  record VmRestarted(VmId vm, String name, HostId on, Instant at) implements HaEvent {}
  record VmRestartFailed(VmId vm, String name, HostId on, String error, Instant at) implements HaEvent {}

  /**
   * Written before a VDI's attachment to a fenced host is cleared (its sm_config {@code host_<ref>} key, what
   * {@code resetvdis.py} clears): the start of {@code vm} failed with a VDI-in-use error.
   */
  record VdiReleased(VmId vm, String name, String vdi, String heldBy, String reason, Instant at) implements HaEvent {}

  /** OP_MODE 1: written before VM_appliance.start of a vApp with halted members. */
  record VappStartIssued(String vapp, String name, String reason, Instant at) implements HaEvent {}
  record VappStarted(String vapp, String name, Instant at) implements HaEvent {}
  record VappStartFailed(String vapp, String name, String error, Instant at) implements HaEvent {}

  /** Written before host.declare_dead of a host whose fence confirmed it off (XAPI then never places VMs on it). */
  record HostDeclaredDead(HostId host, String reason, Instant at) implements HaEvent {}
  /** A host Tandem declared dead is back (its node rejoined): enabled again in XAPI. */
  record HostReEnabled(HostId host, String reason, Instant at) implements HaEvent {}

  /**
   * Issue #5 item 6: written before this host's own copy of a VM is destroyed — its domain ran here while XAPI
   * showed the VM resident on {@code residentOn}, with no operation in progress, on two reads in a row.
   */
  record DuplicateDomainDestroyed(VmId vm, String name, HostId host, HostId residentOn, String evidence, Instant at)
      implements HaEvent {}
}
