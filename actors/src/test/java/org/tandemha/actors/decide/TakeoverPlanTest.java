package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tandemha.actors.decide.TakeoverPlan.Kind.DEAD_MASTER;
import static org.tandemha.actors.decide.TakeoverPlan.Kind.DEAD_SLAVE;
import static org.tandemha.actors.decide.TakeoverPlan.Step.AWAIT_MASTER;
import static org.tandemha.actors.decide.TakeoverPlan.Step.DONE;
import static org.tandemha.actors.decide.TakeoverPlan.Step.EMERGENCY_TRANSITION;
import static org.tandemha.actors.decide.TakeoverPlan.Step.FENCE;
import static org.tandemha.actors.decide.TakeoverPlan.Step.HAND_OVER_STORAGE;
import static org.tandemha.actors.decide.TakeoverPlan.Step.RECOVER_SLAVES;
import static org.tandemha.actors.decide.TakeoverPlan.Step.RESET_VMS;
import static org.tandemha.actors.decide.TakeoverPlan.Step.RESTART_VMS;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.actors.decide.TakeoverPlan.Kind;
import org.tandemha.actors.decide.TakeoverPlan.Progress;
import org.tandemha.actors.decide.TakeoverPlan.Step;

class TakeoverPlanTest {
  static final boolean CONFIRMED = true, UNCONFIRMED = false;

  static Progress list(Kind k, boolean confirmed, Step... completed) { return new Progress(k, List.of(completed), confirmed); }
  static Progress set(Kind k, boolean confirmed, Step... completed) { return Progress.of(k, Set.of(completed), confirmed); }

  static Stream<Arguments> cases() {
    return Stream.of(
        // dead master (winner slave), §3.4.5d → §3.5 → §3.6
        Arguments.of("nothing done: fence first",                              list(DEAD_MASTER, UNCONFIRMED), FENCE),
        Arguments.of("§3.4.5d fence rc 1 (failed): fence again, no promotion", list(DEAD_MASTER, UNCONFIRMED, FENCE), FENCE),
        Arguments.of("§3.4.5d fence rc 0 (confirmed): emergency transition",   list(DEAD_MASTER, CONFIRMED, FENCE), EMERGENCY_TRANSITION),
        Arguments.of("confirmed by watchdog/declare-dead, FENCE not recorded", list(DEAD_MASTER, CONFIRMED), EMERGENCY_TRANSITION),
        Arguments.of("§3.5.1 transition failed (not recorded): run it again",  list(DEAD_MASTER, CONFIRMED, FENCE), EMERGENCY_TRANSITION),
        Arguments.of("§3.5.2 after the transition: await XAPI as master",      list(DEAD_MASTER, CONFIRMED, FENCE, EMERGENCY_TRANSITION), AWAIT_MASTER),
        Arguments.of("§3.5.3 then pool.recover_slaves",                        list(DEAD_MASTER, CONFIRMED, FENCE, EMERGENCY_TRANSITION, AWAIT_MASTER), RECOVER_SLAVES),
        Arguments.of("§3.6.1-2 then reset the old master's VMs and VDIs",      list(DEAD_MASTER, CONFIRMED, FENCE, EMERGENCY_TRANSITION, AWAIT_MASTER, RECOVER_SLAVES), RESET_VMS),
        Arguments.of("§11 storage handed over before any VM starts",           list(DEAD_MASTER, CONFIRMED, FENCE, EMERGENCY_TRANSITION, AWAIT_MASTER, RECOVER_SLAVES, RESET_VMS), HAND_OVER_STORAGE),
        Arguments.of("§3.6.3 then vm_mon: restart VMs",                        list(DEAD_MASTER, CONFIRMED, FENCE, EMERGENCY_TRANSITION, AWAIT_MASTER, RECOVER_SLAVES, RESET_VMS, HAND_OVER_STORAGE), RESTART_VMS),
        Arguments.of("every step done",                                        set(DEAD_MASTER, CONFIRMED, FENCE, EMERGENCY_TRANSITION, AWAIT_MASTER, RECOVER_SLAVES, RESET_VMS, HAND_OVER_STORAGE, RESTART_VMS), DONE),
        Arguments.of("crash mid-way (set): resume at the first step missing",  set(DEAD_MASTER, CONFIRMED, RECOVER_SLAVES, FENCE, AWAIT_MASTER, EMERGENCY_TRANSITION), RESET_VMS),
        Arguments.of("a later step recorded, an earlier missing: never skip",  set(DEAD_MASTER, CONFIRMED, FENCE, EMERGENCY_TRANSITION, RESTART_VMS), AWAIT_MASTER),
        Arguments.of("out of order in the journal: later one runs again",      list(DEAD_MASTER, CONFIRMED, FENCE, EMERGENCY_TRANSITION, AWAIT_MASTER, RECOVER_SLAVES, RESTART_VMS, RESET_VMS, HAND_OVER_STORAGE), RESTART_VMS),
        Arguments.of("a step recorded twice (re-run after a crash) is fine",   list(DEAD_MASTER, CONFIRMED, FENCE, EMERGENCY_TRANSITION, EMERGENCY_TRANSITION), AWAIT_MASTER),
        Arguments.of("§3.4.5e FENCE_ENABLED=0: no cleanup without a fence",    list(DEAD_MASTER, UNCONFIRMED), FENCE),
        Arguments.of("§10.1.4 unconfirmed fence: never a second master",       list(DEAD_MASTER, UNCONFIRMED, FENCE, EMERGENCY_TRANSITION, AWAIT_MASTER), FENCE),
        Arguments.of("§10.1.6 agent said ok without read-back: fence again",   list(DEAD_MASTER, UNCONFIRMED, FENCE), FENCE),
        Arguments.of("slave-only steps are ignored for a dead master",         list(DEAD_MASTER, CONFIRMED, FENCE, RESET_VMS), EMERGENCY_TRANSITION),
        // dead slave (master), §2.6 → §2.7 → §2.8
        Arguments.of("§2.6 dead slave: fence first",                           list(DEAD_SLAVE, UNCONFIRMED), FENCE),
        Arguments.of("§2.7.1-4 fenced: reset power state and VDIs",            list(DEAD_SLAVE, CONFIRMED, FENCE), RESET_VMS),
        Arguments.of("§2.6.2/3.b host.fenced=1 from an earlier round: no re-fence", set(DEAD_SLAVE, CONFIRMED, FENCE), RESET_VMS),
        Arguments.of("§2.8 rc 2 (fenced): vm_mon restarts the VMs",            list(DEAD_SLAVE, CONFIRMED, FENCE, RESET_VMS), RESTART_VMS),
        Arguments.of("§2.8 rc 1 (fence failed/blocked): no VM restart",        list(DEAD_SLAVE, UNCONFIRMED, FENCE), FENCE),
        Arguments.of("§10.1.8 FENCE_HA_ONFAIL=1 is not honoured: fence first", list(DEAD_SLAVE, UNCONFIRMED, RESET_VMS), FENCE),
        Arguments.of("dead slave, every step done",                            list(DEAD_SLAVE, CONFIRMED, FENCE, RESET_VMS, RESTART_VMS), DONE),
        Arguments.of("dead slave: a master-only step recorded is ignored",     list(DEAD_SLAVE, CONFIRMED, FENCE, HAND_OVER_STORAGE), RESET_VMS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void nextStep(String name, Progress progress, Step expected) {
    TakeoverPlan.Next n = TakeoverPlan.next(progress);
    assertEquals(expected, n.step(), n::reason);
  }

  /** Recording each step as it is returned walks the whole plan in order, and asking twice changes nothing. */
  @ParameterizedTest(name = "{0} walks its steps in order")
  @EnumSource(Kind.class)
  void walksInOrderAndIsIdempotent(Kind kind) {
    List<Step> done = new ArrayList<>();
    List<Step> walked = new ArrayList<>(List.of(FENCE));
    done.add(FENCE);
    while (true) {
      TakeoverPlan.Next n = TakeoverPlan.next(new Progress(kind, done, true));
      assertEquals(n.step(), TakeoverPlan.next(new Progress(kind, done, true)).step(), n::reason);
      walked.add(n.step());
      if (n.step() == DONE) break;
      done.add(n.step());
    }
    assertEquals(kind.steps(), walked);
  }
}
