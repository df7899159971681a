package org.tandemha.actors.decide;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The next step of taking over a dead peer, from what has been recorded as done. Steps run in a fixed order;
 * after a crash the first step not recorded done runs again (it may have half-happened, so each step must be
 * idempotent), a later step recorded done never lets an earlier one be skipped, and nothing after FENCE runs
 * without a confirmed fence (closes halizard-behaviour §3.4.5e and §10.1.4/6/8).
 */
public final class TakeoverPlan {
  private TakeoverPlan() {}

  public enum Step {
    /** Fence the peer until PeerGone confirms it gone. */
    FENCE,
    /** {@code pool.emergency_transition_to_master} on this host (§3.5.1). */
    EMERGENCY_TRANSITION,
    /** This host's XAPI answers as master (replaces HA-Lizard's fixed 15 s sleep, §3.5.2). */
    AWAIT_MASTER,
    /** {@code pool.recover_slaves} (§3.5.3). */
    RECOVER_SLAVES,
    /** Power-state reset of the dead host's VMs and VDI reset of its PBDs (§2.7.2/4, §3.6.1/2). */
    RESET_VMS,
    /** DRBD Primary, iSCSI target and floating IP on this host, before any VM starts (§11 storage race). */
    HAND_OVER_STORAGE,
    /** Start the halted HA VMs (vm_mon, §2.8, §3.6.3). */
    RESTART_VMS,
    DONE
  }

  public enum Kind {
    /** A winner slave replacing its dead master. */
    DEAD_MASTER(List.of(Step.FENCE, Step.EMERGENCY_TRANSITION, Step.AWAIT_MASTER, Step.RECOVER_SLAVES,
        Step.RESET_VMS, Step.HAND_OVER_STORAGE, Step.RESTART_VMS, Step.DONE)),
    /** The master recovering a dead slave's VMs. */
    DEAD_SLAVE(List.of(Step.FENCE, Step.RESET_VMS, Step.RESTART_VMS, Step.DONE));

    private final List<Step> steps;
    Kind(List<Step> steps) { this.steps = steps; }
    /** The steps in the order they run, DONE last. */
    public List<Step> steps() { return steps; }
  }

  /**
   * @param completed      steps recorded as completed, in the order the journal recorded them; a step recorded
   *                       before an earlier one was does not count (it is run again in its turn); steps of the
   *                       other kind are ignored
   * @param fenceConfirmed PeerGone judged the peer gone (fence read back off, watchdog deadline passed, or
   *                       declared dead); a FENCE recorded done without it does not count
   */
  public record Progress(Kind kind, List<Step> completed, boolean fenceConfirmed) {
    public Progress {
      Objects.requireNonNull(kind, "kind");
      completed = List.copyOf(completed);
    }

    /** From an unordered set of completed steps: read in step order (it cannot show a step recorded out of order). */
    public static Progress of(Kind kind, Set<Step> done, boolean fenceConfirmed) {
      return new Progress(kind, done.isEmpty() ? List.of() : List.copyOf(EnumSet.copyOf(done)), fenceConfirmed);
    }
  }

  public record Next(Step step, String reason) {}

  public static Next next(Progress p) {
    if (!p.fenceConfirmed()) {
      return new Next(Step.FENCE, p.completed().contains(Step.FENCE)
          ? "FENCE recorded but the peer is not confirmed gone: fence again, nothing after it runs"
          : "peer not confirmed gone: fence first");
    }
    List<Step> order = p.kind().steps();
    int pos = 1;                                    // FENCE counts through fenceConfirmed
    for (Step s : p.completed()) {                  // a step recorded ahead of its turn does not count
      if (pos < order.size() - 1 && s == order.get(pos)) pos++;
    }
    Step next = order.get(pos);
    int at = pos;
    boolean outOfOrder = p.completed().stream().anyMatch(s -> order.indexOf(s) > at);
    if (next == Step.DONE) return new Next(Step.DONE, "every step of the " + p.kind() + " takeover recorded done");
    return new Next(next, outOfOrder
        ? next + " not recorded done although a later step is: run it and every step after it, never skip"
        : "fence confirmed; " + order.get(pos - 1) + " done, " + next + " next");
  }
}
