package org.tandemha.actors.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;

/**
 * Which journaled decisions become alerts, how urgent (XAPI's message priority, 1 highest), and the words: what
 * happened, why, and what the operator should do. HA-Lizard mailed from many places but never on a self-fence or a
 * suspension; here every self-fence, suspension, fence and takeover alerts. Per-type switches override the
 * defaults; the duplicate window is HA-Lizard's MAIL_SCREEN_TIME ({@link Screen}).
 */
public final class AlertPolicy {
  private AlertPolicy() {}

  /** @param defaultOn sent unless the operator switched the type off */
  public record Draft(String type, int priority, boolean defaultOn, String title, String what, String action) {}

  /** The alert an event makes, with host names from {@code name} (UUID when unknown); empty: not alert-worthy. */
  public static Optional<Draft> of(HaEvent e, Function<HostId, String> name) {
    String type = e.getClass().getSimpleName();
    if (e instanceof HaEvent.MasterLost m) return Optional.ofNullable(new Draft(type, 1, true, "pool master " + name.apply(m.master()) + " lost",
          "The pool master " + name.apply(m.master()) + " stopped answering: " + m.evidence() + ".",
          "Tandem fences it and, once the fence is confirmed, makes the autopromote winner the master and restarts "
              + "the HA VMs. Follow it with `tandem status` and `tandem events --follow`."));
    if (e instanceof HaEvent.SlaveLost s) return Optional.ofNullable(new Draft(type, 2, true, "host " + name.apply(s.slave()) + " lost",
          "Host " + name.apply(s.slave()) + " stopped answering: " + s.evidence() + ".",
          "Tandem fences it and, once the fence is confirmed, restarts its HA VMs on the other hosts."));
    if (e instanceof HaEvent.FenceConfirmed f) return Optional.ofNullable(new Draft(type, 2, true, name.apply(f.target()) + " fenced",
          "Host " + name.apply(f.target()) + " was fenced by " + f.device() + ": " + f.evidence() + ".",
          "Find out why it failed before powering it on again; it rejoins the pool as a slave."));
    if (e instanceof HaEvent.FenceFailed f) return Optional.ofNullable(new Draft(type, 1, true, "fencing " + name.apply(f.target()) + " FAILED",
          "Fencing host " + name.apply(f.target()) + " through " + f.device() + " failed: " + f.reason() + ".",
          "Nothing of that host is taken over until a fence is confirmed. Check the fence device "
              + "(`tandem fence test " + f.target().uuid() + "`), or make sure the host is off and `tandem host declare-dead` it."));
    if (e instanceof HaEvent.TakeoverStarted t) return Optional.ofNullable(new Draft(type, 1, true, "takeover of " + name.apply(t.lostMaster()) + " started",
          name.apply(t.newMaster()) + " is taking over from the fenced master " + name.apply(t.lostMaster()) + ": "
              + t.reason() + ".", "Nothing; Tandem alerts again when the takeover has finished."));
    if (e instanceof HaEvent.TakeoverFinished t) return Optional.ofNullable(new Draft(type, 2, true, "takeover of " + name.apply(t.lostMaster()) + " finished",
          name.apply(t.newMaster()) + " is the pool master now; " + t.vmsReset() + " VM(s) of the old master were reset "
              + "and the HA VMs are being restarted.", "Check `tandem status` and `tandem vm list`; repair "
              + name.apply(t.lostMaster()) + " before powering it on."));
    if (e instanceof HaEvent.TakeoverRefused t) return Optional.ofNullable(new Draft(type, 1, true, "takeover of " + name.apply(t.lostMaster()) + " refused",
          "This host did not take over from " + name.apply(t.lostMaster()) + ": " + t.reason() + ".",
          "If the master is really down and nothing takes over, find out why from the reason above and "
              + "`tandem status`; a person may have to recover the pool."));
    if (e instanceof HaEvent.SlaveRecovered r) return Optional.ofNullable(new Draft(type, 3, true, "VMs of " + name.apply(r.slave()) + " recovered",
          r.vmsReset() + " VM(s) of the fenced host " + name.apply(r.slave()) + " were reset to halted; the HA VMs "
              + "are restarted elsewhere.", "Repair " + name.apply(r.slave()) + " before powering it on."));
    if (e instanceof HaEvent.Suspended s) return Optional.ofNullable(new Draft(type, 1, true, "HA SUSPENDED on " + name.apply(s.host()),
          "HA is suspended on " + name.apply(s.host()) + ": " + s.reason() + ". It takes nothing over while suspended.",
          "Find out why from the reason above; the suspension ends when the master marks the host healthy again."));
    if (e instanceof HaEvent.SuspensionCleared s) return Optional.ofNullable(new Draft(type, 3, true, "HA resumed on " + name.apply(s.host()),
          "The suspension of " + name.apply(s.host()) + " ended (" + s.source() + ").", "Nothing."));
    if (e instanceof HaEvent.LoneMasterReboot r) return Optional.ofNullable(new Draft(type, 1, true, name.apply(r.host()) + " SELF-FENCES (reboots)",
          name.apply(r.host()) + " is rebooting itself: " + r.reason() + ".",
          "Check the network between the hosts; the host comes back as it was."));
    if (e instanceof HaEvent.IsolationHardStop h) return Optional.ofNullable(new Draft(type, 1, true, name.apply(h.host()) + " SELF-FENCES (stops its VMs)",
          name.apply(h.host()) + " lost its management network and quorum and stopped its " + h.vms().size()
              + " VM(s) so the others may restart them: " + h.reason() + ".",
          "Repair its management network; the VMs run on the other hosts."));
    if (e instanceof HaEvent.WatchdogFeeding w) return Optional.ofNullable(w.feeding() ? null : new Draft(type, 1, true,
          name.apply(w.host()) + " SELF-FENCES (watchdog starved)", name.apply(w.host()) + " stopped feeding its "
              + "watchdog: " + w.reason() + ". The host resets when the watchdog expires.",
          "Check the network between the hosts and the witness."));
    if (e instanceof HaEvent.SplitBrain s) return Optional.ofNullable(s.detected()
          ? new Draft(type, 1, true, "DRBD SPLIT BRAIN of " + s.resource() + " on " + name.apply(s.host()),
              "DRBD recorded a split brain of " + s.resource() + " on " + name.apply(s.host()) + ": " + s.detail()
                  + ". Automatic promotion is stopped.",
              "Decide which host's data survives, then run `tandem storage split-brain resolve --survivor HOST` on "
                  + "both hosts (the victim demoted first).")
          : new Draft(type, 3, true, "split brain of " + s.resource() + " resolved",
              "The split brain of " + s.resource() + " on " + name.apply(s.host()) + " was resolved: " + s.detail() + ".",
              "Nothing."));
    if (e instanceof HaEvent.StorageStepFailed s) return Optional.ofNullable(new Draft(type, 2, true, "storage step " + s.action() + " FAILED on "
          + name.apply(s.host()), "The storage step " + s.action() + (s.resource().isEmpty() ? "" : " " + s.resource())
          + " failed on " + name.apply(s.host()) + ": " + s.error() + ". It is retried with backoff.",
          "See `tandem storage status` on that host."));
    if (e instanceof HaEvent.StorageBlocked s) return Optional.ofNullable(new Draft(type, 3, false, "storage promotion held back on " + name.apply(s.host()),
          "The storage promotion is held back on " + name.apply(s.host()) + ": " + s.reason() + ".",
          "See `tandem storage status`."));
    if (e instanceof HaEvent.VmRestartFailed v) return Optional.ofNullable(new Draft(type, 2, true, "VM " + v.name() + " did not start",
          "Starting VM " + v.name() + " on " + name.apply(v.on()) + " failed: " + v.error() + ". It is tried again with "
              + "backoff.", "See `tandem vm list` and the VM's XAPI messages."));
    if (e instanceof HaEvent.VmRestarted v) return Optional.ofNullable(new Draft(type, 3, false, "VM " + v.name() + " restarted",
          "VM " + v.name() + " was restarted on " + name.apply(v.on()) + ".", "Nothing."));
    if (e instanceof HaEvent.VappStartFailed v) return Optional.ofNullable(new Draft(type, 2, true, "vApp " + v.name() + " did not start",
          "Starting vApp " + v.name() + " failed: " + v.error() + ". It is tried again with backoff.",
          "See `tandem vm list`."));
    if (e instanceof HaEvent.VmSettingInvalid v) return Optional.ofNullable(new Draft(type, 3, true, "VM " + v.name() + ": invalid " + v.setting(),
          "VM " + v.name() + " has " + v.setting() + "=\"" + v.value() + "\": " + v.consequence() + ".",
          "Set it with `tandem vm set-ha` / `tandem vm set-priority`."));
    if (e instanceof HaEvent.DuplicateDomainDestroyed d) return Optional.ofNullable(new Draft(type, 1, true, "duplicate of VM " + d.name() + " destroyed",
          "VM " + d.name() + " ran on " + name.apply(d.host()) + " while XAPI shows it on " + name.apply(d.residentOn())
              + "; the stray copy was destroyed: " + d.evidence() + ".", "Check the VM's disks and its data."));
    if (e instanceof HaEvent.OperatorDeclaredDead d) return Optional.ofNullable(new Draft(type, 1, true,
        name.apply(d.host()) + " DECLARED DEAD by an operator", name.apply(d.host()) + " was declared dead ("
            + d.source() + "); nothing reached it: " + d.evidence() + ". Its work is being taken over.",
        "Make sure it stays off until it is repaired: if it was still running, its VMs now run twice."));
    if (e instanceof HaEvent.HostDeclaredDead h) return Optional.ofNullable(new Draft(type, 2, true, name.apply(h.host()) + " declared dead",
          name.apply(h.host()) + " was declared dead: " + h.reason() + ".", "Repair it before powering it on."));
    if (e instanceof HaEvent.ArmingChanged a) return Optional.ofNullable(new Draft(type, 2, true, a.armed() ? "Tandem ARMED" : "Tandem DISARMED",
          a.armed() ? "Fencing and takeover are enabled again (" + a.source() + ")."
              : "No node fences or takes over (" + a.source() + ").",
          a.armed() ? "Nothing." : "Arm it again when the maintenance is over: `tandem arm`."));
    if (e instanceof HaEvent.ConfigChanged c) return Optional.ofNullable(new Draft(type, 3, false, "setting " + c.key() + " changed",
          c.scope() + " " + c.key() + ": \"" + c.from() + "\" -> \"" + c.to() + "\" (" + c.source() + ").", "Nothing."));
    return Optional.empty();
  }

  /** Whether a draft goes out: the operator's switch for its type, else its default. */
  public static boolean enabled(Draft d, Map<String, Boolean> switches) {
    return switches.getOrDefault(d.type(), d.defaultOn());
  }

  /**
   * HA-Lizard's duplicate suppression: an alert with the same words within the window is not sent again (counted).
   * Actor state, used by one actor only.
   */
  public static final class Screen {
    private final Duration window;
    private final Map<String, Instant> sent = new HashMap<>();

    public Screen(Duration window) { this.window = window; }

    /** True: send it (and remember it); false: a duplicate within the window. */
    public boolean admit(String key, Instant now) {
      sent.values().removeIf(t -> !t.plus(window).isAfter(now));
      if (sent.containsKey(key)) return false;
      sent.put(key, now);
      return true;
    }

    public void forget() { sent.clear(); }
  }
}
