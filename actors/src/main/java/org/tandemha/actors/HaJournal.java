package org.tandemha.actors;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.tandemha.actors.decide.TakeoverPlan;
import org.tandemha.protocol.CborSerializable;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;

/**
 * The node's record of HA decisions. Actors that are about to act send the event here and act only on the
 * reply, which comes after the journal acknowledged the write: nothing is done that is not on disk first.
 */
public final class HaJournal
    extends EventSourcedBehaviorWithEnforcedReplies<HaJournal.Command, HaEvent, HaJournal.State> {

  public sealed interface Command extends CborSerializable {}
  public record Record(HaEvent event, ActorRef<Done> replyTo) implements Command {}
  /** Arming and suspension as last journaled: they hold across restarts, also while XAPI is down. */
  public record GetStanding(ActorRef<Standing> replyTo) implements Command {}
  /**
   * @param unfinished   a takeover this node began and did not end, or null
   * @param loneRebooted this host rebooted once as a lone master and has not seen its slaves since
   * @param storageManual storage manual mode as last journaled ({@code hold}, {@code primary}, {@code secondary}),
   *                      or null: automatic
   * @param suspendedBecause the reason of the journaled suspension, or null when not suspended
   * @param lastTakeover  the last takeover this node began, or null
   */
  public record Standing(boolean armed, boolean suspended, Unfinished unfinished, boolean loneRebooted,
                         String storageManual, String suspendedBecause, LastTakeover lastTakeover)
      implements CborSerializable {
    public Standing(boolean armed, boolean suspended, Unfinished unfinished, boolean loneRebooted, String storageManual) {
      this(armed, suspended, unfinished, loneRebooted, storageManual, null, null);
    }
  }

  /**
   * For {@code tandem status}: the last takeover this node began, from its decision to its end.
   *
   * @param kind    {@code dead master} or {@code dead slave}
   * @param ended   null while it runs (or was cut short by a crash)
   * @param outcome {@code running}, {@code finished (N VMs reset)} or {@code refused: why}
   */
  public record LastTakeover(HostId lost, String kind, java.time.Instant began, java.time.Instant ended, String outcome)
      implements CborSerializable {
    /** Seconds from the decision to the end, or -1 while it runs. */
    public double seconds() {
      return ended == null ? -1 : Duration.between(began, ended).toMillis() / 1000.0;
    }
  }

  /**
   * A takeover whose end was never journaled: the node crashed or was killed in the middle of it. With the
   * fence confirmed, a restarted node resumes it at the first step not recorded done (TakeoverPlan).
   */
  public record Unfinished(HostId lost, TakeoverPlan.Kind kind, Set<TakeoverPlan.Step> done, boolean fenceConfirmed)
      implements CborSerializable {
    public Unfinished {
      done = done.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(done));
    }

    Unfinished with(TakeoverPlan.Step... steps) {
      Set<TakeoverPlan.Step> more = EnumSet.noneOf(TakeoverPlan.Step.class);
      more.addAll(done);
      more.addAll(List.of(steps));
      return new Unfinished(lost, kind, more, fenceConfirmed || more.contains(TakeoverPlan.Step.FENCE));
    }

    public TakeoverPlan.Progress progress() { return TakeoverPlan.Progress.of(kind, done, fenceConfirmed); }
  }

  /** How many decisions this node has recorded, and the standing they leave it in. */
  public record State(long recorded, boolean armed, boolean suspended, Unfinished unfinished, boolean loneRebooted,
                      String storageManual, String suspendedBecause, LastTakeover lastTakeover)
      implements CborSerializable {}

  public static final String TAG = "ha-event";

  /** Each event, once written, is published on the event stream: the alert actor hears every decision there. */
  public static Behavior<Command> create(HostId self) {
    return akka.actor.typed.javadsl.Behaviors.setup(ctx -> new HaJournal(self, ctx.getSystem()));
  }

  private final akka.actor.typed.ActorSystem<?> system;

  /**
   * A stand-in for benches and tests of one actor: every record acknowledged at once and added to {@code into},
   * the standing that of a fresh node with {@code storageManual} (null: automatic). Never used by a node.
   */
  public static Behavior<Command> standIn(java.util.List<HaEvent> into, String storageManual) {
    return akka.actor.typed.javadsl.Behaviors.receive(Command.class)
        .onMessage(Record.class, r -> {
          into.add(r.event());
          r.replyTo().tell(Done.getInstance());
          return akka.actor.typed.javadsl.Behaviors.same();
        })
        .onMessage(GetStanding.class, g -> {
          g.replyTo().tell(new Standing(true, false, null, false, storageManual));
          return akka.actor.typed.javadsl.Behaviors.same();
        }).build();
  }

  private HaJournal(HostId self, akka.actor.typed.ActorSystem<?> system) {
    super(PersistenceId.of("Ha", self.uuid()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.system = system;
  }

  /**
   * A snapshot every {@value #SNAPSHOT_EVERY} events, the newest two kept (issue #6 item 5): recovery reads a snapshot
   * and the events after it, so the journal's old segments can expire. Events are never deleted by this: the
   * journal keeps them for operators until its retention.
   */
  @Override public akka.persistence.typed.javadsl.RetentionCriteria retentionCriteria() {
    return akka.persistence.typed.javadsl.RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  static final int SNAPSHOT_EVERY = 500;

  @Override public State emptyState() { return new State(0, true, false, null, false, null, null, null); }

  @Override public CommandHandlerWithReply<Command, HaEvent, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Record.class, (s, c) -> Effect().persist(c.event())
            .thenRun(ns -> system.eventStream().tell(new akka.actor.typed.eventstream.EventStream.Publish<>(c.event())))
            .thenReply(c.replyTo(), ns -> Done.getInstance()))
        .onCommand(GetStanding.class, (s, c) -> Effect().reply(c.replyTo(),
            new Standing(s.armed(), s.suspended(), s.unfinished(), s.loneRebooted(), s.storageManual(),
                s.suspendedBecause(), s.lastTakeover())))
        .build();
  }

  @Override public EventHandler<State, HaEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> new State(s.recorded() + 1,
        e instanceof HaEvent.ArmingChanged a ? a.armed() : s.armed(),
        e instanceof HaEvent.Suspended || (s.suspended() && !(e instanceof HaEvent.SuspensionCleared)),
        unfinished(s.unfinished(), e),
        e instanceof HaEvent.LoneMasterReboot || (s.loneRebooted() && !(e instanceof HaEvent.LoneMasterRebootCleared)),
        e instanceof HaEvent.StorageManualMode m ? (m.mode().equals("automatic") ? null : m.mode()) : s.storageManual(),
        e instanceof HaEvent.Suspended su ? su.reason()
            : e instanceof HaEvent.SuspensionCleared ? null : s.suspendedBecause(),
        lastTakeover(s.lastTakeover(), e)));
  }

  /** The last takeover, for status: begun by MasterLost/SlaveLost, ended by its finish or refusal. */
  static LastTakeover lastTakeover(LastTakeover t, HaEvent e) {
    if (e instanceof HaEvent.MasterLost m) return new LastTakeover(m.master(), "dead master", m.at(), null, "running");
    if (e instanceof HaEvent.SlaveLost l) return new LastTakeover(l.slave(), "dead slave", l.at(), null, "running");
    if (t == null || t.ended() != null) return t;
    if (e instanceof HaEvent.TakeoverFinished f && f.lostMaster().equals(t.lost())) {
      return new LastTakeover(t.lost(), t.kind(), t.began(), f.at(), "finished (" + f.vmsReset() + " VMs reset)");
    }
    if (e instanceof HaEvent.SlaveRecovered r && r.slave().equals(t.lost())) {
      return new LastTakeover(t.lost(), t.kind(), t.began(), r.at(), "finished (" + r.vmsReset() + " VMs reset)");
    }
    if (e instanceof HaEvent.TakeoverRefused r && r.lostMaster().equals(t.lost())) {
      return new LastTakeover(t.lost(), t.kind(), t.began(), r.at(), "refused: " + r.reason());
    }
    return t;
  }

  /** Follows one takeover from its decision (MasterLost, SlaveLost) to its end (finished or refused). */
  static Unfinished unfinished(Unfinished u, HaEvent e) {
    if (e instanceof HaEvent.MasterLost m) return new Unfinished(m.master(), TakeoverPlan.Kind.DEAD_MASTER, Set.of(), false);
    if (e instanceof HaEvent.SlaveLost l) return new Unfinished(l.slave(), TakeoverPlan.Kind.DEAD_SLAVE, Set.of(), false);
    if (u == null) return null;
    if (e instanceof HaEvent.FenceConfirmed f) return f.target().equals(u.lost()) ? u.with(TakeoverPlan.Step.FENCE) : u;
    if (e instanceof HaEvent.PeerGoneByWatchdog g) return g.target().equals(u.lost()) ? u.with(TakeoverPlan.Step.FENCE) : u;
    if (e instanceof HaEvent.OperatorDeclaredDead d) return d.host().equals(u.lost()) ? u.with(TakeoverPlan.Step.FENCE) : u;
    if (e instanceof HaEvent.PromotedToMaster) {
      return u.with(TakeoverPlan.Step.EMERGENCY_TRANSITION, TakeoverPlan.Step.AWAIT_MASTER);
    }
    if (e instanceof HaEvent.SlavesRecovered) return u.with(TakeoverPlan.Step.RECOVER_SLAVES);
    if (e instanceof HaEvent.StorageTakenOver) return u.with(TakeoverPlan.Step.RESET_VMS, TakeoverPlan.Step.HAND_OVER_STORAGE);
    if (e instanceof HaEvent.TakeoverFinished || e instanceof HaEvent.SlaveRecovered) return null;
    if (e instanceof HaEvent.TakeoverRefused r) return r.lostMaster().equals(u.lost()) ? null : u;
    return u;
  }

  @Override public Set<String> tagsFor(HaEvent e) { return Set.of(TAG); }
}
