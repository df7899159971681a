package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.tandemha.actors.decide.ManualMode;
import org.tandemha.actors.decide.StorageReconcile;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.StoragePort;
import org.tandemha.protocol.CborSerializable;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;

/**
 * The storage role as a reconcile loop (issue #8 item 1): every second — and at once after each step — it reads
 * DRBD, the target and the floating IP, asks {@link StorageReconcile} for the one next step and does it, journaled
 * before it runs. A failed step is journaled and retried with backoff; a held-back promotion is journaled with its
 * reason once. The peer counts as confirmed gone when a fence confirmed it (the guardian says so), and as demoted
 * when its node says so: each node tells the others, every second, whether it holds any storage role.
 */
public final class StorageRoleActor extends AbstractBehavior<StorageRoleActor.Command> {
  public sealed interface Command {}
  /**
   * From the guardian's pool reads: is this host the XAPI pool master, and the pool's other hosts (the storage
   * peers: in iSCSI-HA's two-host pools the other host is the DRBD peer).
   */
  public record PoolRole(boolean master, Set<HostId> others) implements Command {
    public PoolRole { others = Set.copyOf(others); }

    public PoolRole(boolean master) { this(master, Set.of()); }
  }
  /** A fence confirmed this host off: it holds nothing any more. */
  public record PeerFenced(HostId host) implements Command {}
  /** A fenced host's node is back: it may hold storage again, and is judged by its adverts from now on. */
  public record PeerBack(HostId host) implements Command {}
  /** The takeover of a dead master: be primary now (this host is master), answer when done or failed. */
  public record TakeOver(HostId fenced, ActorRef<TakeOverResult> replyTo) implements Command {}
  public record TakeOverResult(boolean primary, String detail) {}
  /** A manual-mode verb from the CLI. */
  public record Manual(ManualMode.Verb verb, String source, ActorRef<ManualMode.Outcome> replyTo) implements Command {}
  public record GetStatus(ActorRef<Status> replyTo) implements Command {}
  /** {@code tandem storage split-brain resolve --survivor HOST}, run on each of the two hosts. */
  /** @param survivor the host whose data is kept: this one, or one of its storage peers */
  public record ResolveSplitBrain(HostId survivor, String source, ActorRef<Answer> replyTo) implements Command {}
  public record Answer(boolean ok, List<String> lines) {}
  /** From a peer's node: whether that host holds any storage role (a resource Primary, the target, the IP). */
  public record Advert(HostId host, boolean holdsRole) implements Command, CborSerializable {}

  /**
   * What {@code tandem storage status} shows.
   *
   * @param observedAt when the state was last read (a status older than its tolerance is stale)
   */
  public record Status(HostId host, String storage, Optional<StorageReconcile.Role> desired, Optional<String> manual,
                       Optional<StoragePort.Observed> observed, Optional<Instant> observedAt, String lastStep,
                       Optional<Instant> lastStepAt, String blocked, String lastError, StorageReconcile.Peer peer,
                       Set<HostId> storagePeers) {
    public Status { storagePeers = Set.copyOf(storagePeers); }
  }

  private enum Tick implements Command { INSTANCE }
  private enum Noted implements Command { INSTANCE }
  private record Observed(StoragePort.Observed state, Throwable error) implements Command {}
  /** The duplicate-address probe before adding the floating IP (about a second: only when about to add it). */
  private record Probed(StoragePort.Observed state, boolean ipElsewhere, Throwable error) implements Command {}
  private record ManualProbed(Manual request, boolean ipElsewhere) implements Command {}
  private record Resolved(List<String> resources, boolean survivor, String source, Throwable error,
                          ActorRef<Answer> replyTo) implements Command {}
  private record ResolveJournaled(List<String> resources, ResolveSplitBrain request) implements Command {}
  /** A probe started while promoting, so the floating IP need not wait a second for it at the end. */
  private record EarlyProbed(boolean ipElsewhere, Instant at, Throwable error) implements Command {}
  private record StepJournaled(StorageReconcile.Step step) implements Command {}
  private record StepDone(StorageReconcile.Step step, Throwable error) implements Command {}
  private record Listed(Receptionist.Listing listing) implements Command {}
  private record StandingKnown(String manual, boolean answered) implements Command {}
  private enum AskStanding implements Command { INSTANCE }
  private record ManualJournaled(ManualMode.Outcome outcome, ActorRef<ManualMode.Outcome> replyTo) implements Command {}

  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "tandem-storage");
  static final Duration PERIOD = Duration.ofSeconds(1);
  /** A peer's advert older than this no longer tells anything about it. */
  static final Duration ADVERT_FRESH = Duration.ofSeconds(3);

  public static Behavior<Command> create(HostId self, StoragePort port, String floatingIp,
                                         ActorRef<HaJournal.Command> journal, Clock clock, Executor blockingIo) {
    return create(self, port, floatingIp, Set.of(), journal, clock, blockingIo, mode -> { });
  }

  /**
   * @param publishManual shows a journaled manual-mode change where operators look (the pool's other-config
   *                      {@code MANUAL_MODE}, as iSCSI-HA did): {@code enable}, {@code primary}, {@code secondary},
   *                      or {@code automatic}; run on the blocking pool, a failure only logged
   * @param peers         the hosts replicating this storage ({@code tandem.storage.peers}); empty = every other pool
   *                      host (iSCSI-HA's two-host pools). A host that advertises a storage role counts either way.
   */
  public static Behavior<Command> create(HostId self, StoragePort port, String floatingIp, Set<HostId> peers,
                                         ActorRef<HaJournal.Command> journal, Clock clock, Executor blockingIo,
                                         java.util.function.Consumer<String> publishManual) {
    return create(self, port, floatingIp, peers, journal, clock, blockingIo, publishManual, serving -> { });
  }

  /**
   * @param serving told, on this actor's thread, whether this host serves the storage — every resource Primary, the
   *                target up, the floating IP here — after the first reading and whenever that changes (the guardian
   *                starts VMs only on a master that serves it: HA VMs live on this storage)
   */
  public static Behavior<Command> create(HostId self, StoragePort port, String floatingIp, Set<HostId> peers,
                                         ActorRef<HaJournal.Command> journal, Clock clock, Executor blockingIo,
                                         java.util.function.Consumer<String> publishManual,
                                         java.util.function.Consumer<Boolean> serving) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, PERIOD);
      return new StorageRoleActor(ctx, self, port, floatingIp, Set.copyOf(peers), journal, clock, blockingIo,
          publishManual, serving);
    }));
  }

  private final HostId self;
  private final StoragePort port;
  private final String floatingIp;
  private final Clock clock;
  private final Executor blockingIo;
  private final Recorder<Command> recorder;
  private final Backoff<StorageReconcile.Action> backoff = new Backoff<>(StorageRoleActor::stepBackoff);
  private final Set<HostId> fenced = new HashSet<>();
  private final Set<String> splitBrains = new HashSet<>();
  private final Map<HostId, Instant> heard = new HashMap<>();
  private final Map<HostId, Boolean> holds = new HashMap<>();
  private final List<ActorRef<TakeOverResult>> takeovers = new ArrayList<>();
  private Set<ActorRef<Command>> others = Set.of();
  /** Unknown until the guardian's first pool read (or a takeover) says: nothing is done before. */
  private Optional<Boolean> master = Optional.empty();
  /** Hosts whose storage matters here: every host that advertised a storage role, and a dead master taken over. */
  private final Set<HostId> storagePeers = new HashSet<>();
  private boolean stepInFlight;
  private String lastReadError = "";
  private final ActorRef<HaJournal.Command> journal;
  private Optional<StorageReconcile.Manual> manual = Optional.empty();
  private boolean standingKnown;
  private boolean busy;
  private Optional<StoragePort.Observed> last = Optional.empty();
  private boolean lastIpElsewhere;
  private boolean earlyProbing;
  private Optional<EarlyProbed> earlyProbe = Optional.empty();
  private Optional<StoragePort.Observed> addIpAwaitingProbe = Optional.empty();
  /** An early probe this recent stands for the one before adding the IP. */
  static final Duration PROBE_FRESH = Duration.ofSeconds(3);
  private Optional<Instant> observedAt = Optional.empty();
  private String lastStep = "none yet";
  private Optional<Instant> lastStepAt = Optional.empty();
  private String blocked = "";
  private String lastError = "";

  private final java.util.function.Consumer<String> publishManual;
  private final java.util.function.Consumer<Boolean> serving;
  /** What {@link #serving} was last told; empty before the first reading. */
  private Optional<Boolean> servingTold = Optional.empty();
  private final Set<HostId> configuredPeers;
  /** A takeover is answered "failed" only after this many tries of the same step (each backed off). */
  static final int TAKEOVER_TRIES = 3;

  private StorageRoleActor(ActorContext<Command> ctx, HostId self, StoragePort port, String floatingIp,
                           Set<HostId> configuredPeers, ActorRef<HaJournal.Command> journal, Clock clock,
                           Executor blockingIo, java.util.function.Consumer<String> publishManual,
                           java.util.function.Consumer<Boolean> serving) {
    super(ctx);
    this.serving = serving;
    this.configuredPeers = configuredPeers;
    this.publishManual = publishManual;
    this.self = self;
    this.port = port;
    this.floatingIp = floatingIp;
    this.clock = clock;
    this.blockingIo = blockingIo;
    this.recorder = new Recorder<>(ctx, journal, Duration.ofSeconds(5));
    this.journal = journal;
    ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(KEY,
        ctx.messageAdapter(Receptionist.Listing.class, Listed::new)));
    // Manual mode survives restarts: nothing is done before the journal said what it was (asked until it answers).
    ctx.getSelf().tell(AskStanding.INSTANCE);
    ctx.getLog().info("storage: {}; the role follows the pool master, promoted only with the peer confirmed gone or "
        + "demoted", port.describe());
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(AskStanding.INSTANCE, () -> {
          getContext().ask(HaJournal.Standing.class, journal, Duration.ofSeconds(10), HaJournal.GetStanding::new,
              (st, e) -> e == null ? new StandingKnown(st.storageManual(), true) : new StandingKnown(null, false));
          return this;
        })
        .onMessage(StandingKnown.class, s -> {
          if (!s.answered()) {
            getContext().getLog().warn("storage: the journal did not say whether manual mode is on; asking again, "
                + "nothing is done meanwhile");
            getContext().scheduleOnce(Duration.ofSeconds(2), getContext().getSelf(), AskStanding.INSTANCE);
            return this;
          }
          standingKnown = true;
          manual = Optional.ofNullable(s.manual()).map(StorageRoleActor::manualOf);
          manual.ifPresent(m -> getContext().getLog().warn("storage: in manual mode ({}) as last journaled", m));
          return this;
        })
        .onMessageEquals(Tick.INSTANCE, this::tick)
        .onMessage(PoolRole.class, r -> {
          if (master.isEmpty() || master.get() != r.master()) getContext().getSelf().tell(Tick.INSTANCE);
          master = Optional.of(r.master());
          r.others().stream().filter(h -> configuredPeers.isEmpty() || configuredPeers.contains(h))
              .forEach(storagePeers::add);
          return this;
        })
        .onMessage(PeerBack.class, b -> {
          fenced.remove(b.host());
          return this;
        })
        .onMessage(PeerFenced.class, f -> {
          fenced.add(f.host());
          getContext().getSelf().tell(Tick.INSTANCE);
          return this;
        })
        .onMessage(TakeOver.class, t -> {
          fenced.add(t.fenced());
          storagePeers.add(t.fenced());   // the dead master held the storage, heard from or not
          master = Optional.of(true);   // asked after this host was promoted to pool master
          takeovers.add(t.replyTo());
          getContext().getSelf().tell(Tick.INSTANCE);
          return this;
        })
        .onMessage(Advert.class, a -> {
          if (a.host().equals(self)) return this;
          heard.put(a.host(), clock.now());
          holds.put(a.host(), a.holdsRole());
          storagePeers.add(a.host());
          if (!a.holdsRole()) getContext().getSelf().tell(Tick.INSTANCE);
          return this;
        })
        .onMessage(Listed.class, l -> {
          others = Set.copyOf(l.listing().getAllServiceInstances(KEY).stream()
              .filter(r -> !r.equals(getContext().getSelf())).toList());
          return this;
        })
        .onMessage(Observed.class, this::onObserved)
        .onMessage(Probed.class, this::onProbed)
        .onMessage(EarlyProbed.class, p -> {
          earlyProbing = false;
          if (addIpAwaitingProbe.isPresent()) {
            StoragePort.Observed state = addIpAwaitingProbe.get();
            addIpAwaitingProbe = Optional.empty();
            return onProbed(new Probed(state, p.ipElsewhere(), p.error()));
          }
          earlyProbe = Optional.of(p);
          return this;
        })
        .onMessage(ManualProbed.class, this::decideManual)
        .onMessage(StepJournaled.class, this::run)
        .onMessage(StepDone.class, this::onStepDone)
        .onMessage(Manual.class, this::onManual)
        .onMessage(ManualJournaled.class, m -> {
          if (m.outcome().accepted()) {
            String shown = m.outcome().manual().map(x -> x == StorageReconcile.Manual.HOLD ? "enable"
                : x.name().toLowerCase(java.util.Locale.ROOT)).orElse("automatic");
            org.slf4j.Logger log = getContext().getLog();   // the context is not to be touched from other threads
            CompletableFuture.runAsync(() -> publishManual.accept(shown), blockingIo).whenComplete((ok, e) -> {
              if (e != null) log.warn("storage: manual mode not shown in the pool's {}: {}", "MANUAL_MODE", e.toString());
            });
          }
          manual = m.outcome().manual();
          getContext().getLog().warn("storage: manual mode now {}", manual.map(Enum::name).orElse("off (automatic)"));
          m.replyTo().tell(m.outcome());
          getContext().getSelf().tell(Tick.INSTANCE);
          return this;
        })
        .onMessage(ResolveSplitBrain.class, this::resolve)
        .onMessage(ResolveJournaled.class, this::runResolve)
        .onMessage(Resolved.class, this::onResolved)
        .onMessage(GetStatus.class, g -> {
          g.replyTo().tell(status());
          return this;
        })
        .onMessageEquals(Noted.INSTANCE, () -> this)
        .build();
  }

  private Behavior<Command> tick() {
    // Only a fresh reading is advertised, and conservatively: wanting Primary, or a step under way, counts as
    // holding — a peer must never read "holds nothing" from a host about to promote.
    if (last.isPresent() && observedAt.filter(t -> t.plus(ADVERT_FRESH).isAfter(clock.now())).isPresent()) {
      boolean wantsPrimary = master.isPresent() && StorageReconcile.desired(evidence(last.get(), false))
          .filter(r -> r == StorageReconcile.Role.PRIMARY).isPresent();
      Advert mine = new Advert(self, holdsRole(last.get()) || wantsPrimary || stepInFlight);
      others.forEach(r -> r.tell(mine));
    }
    if (busy || !standingKnown) return this;
    busy = true;
    getContext().pipeToSelf(CompletableFuture.supplyAsync(port::observe, blockingIo), Observed::new);
    return this;
  }

  /** The whole role: every resource Primary, the target serving, the floating IP here. */
  static boolean serves(StoragePort.Observed o) {
    return o.ipLocal() && o.targetRunning() && !o.resources().isEmpty()
        && o.resources().stream().allMatch(StoragePort.Resource::primary);
  }

  private static boolean holdsRole(StoragePort.Observed o) {
    return o.ipLocal() || o.targetPresent() || o.resources().stream().anyMatch(StoragePort.Resource::primary);
  }

  private Behavior<Command> onObserved(Observed o) {
    if (o.error() != null) {
      busy = false;
      String why = cause(o.error());
      if (!why.equals(lastReadError)) getContext().getLog().error("storage: cannot read the storage state: {}", why);
      lastReadError = why;
      return this;
    }
    lastReadError = "";
    last = Optional.of(o.state());
    observedAt = Optional.of(clock.now());
    boolean servesNow = serves(o.state());
    if (!servingTold.equals(Optional.of(servesNow))) {
      servingTold = Optional.of(servesNow);
      serving.accept(servesNow);
    }
    noteSplitBrains(o.state());
    if (master.isEmpty()) {   // not yet told the pool role: read, but act on nothing
      busy = false;
      return this;
    }
    StorageReconcile.Step step = StorageReconcile.next(evidence(o.state(), false));
    boolean promoting = step.action() == StorageReconcile.Action.PROMOTE
        || step.action() == StorageReconcile.Action.START_TARGET;
    if (promoting && !earlyProbing) {   // in parallel with the promotion: arping -D takes a second
      earlyProbing = true;
      getContext().pipeToSelf(CompletableFuture.supplyAsync(port::floatingIpAnswersElsewhere, blockingIo),
          (answers, e) -> new EarlyProbed(e == null && answers, clock.now(), e));
    }
    if (step.action() == StorageReconcile.Action.ADD_IP) {
      Optional<EarlyProbed> fresh = earlyProbe.filter(p -> p.error() == null && !p.ipElsewhere()
          && p.at().plus(PROBE_FRESH).isAfter(clock.now()));
      earlyProbe = Optional.empty();
      if (fresh.isPresent()) return onProbed(new Probed(o.state(), false, null));
      if (earlyProbing) {   // the probe started with the promotion is still out: its answer decides
        addIpAwaitingProbe = Optional.of(o.state());
        return this;
      }
      getContext().pipeToSelf(CompletableFuture.supplyAsync(port::floatingIpAnswersElsewhere, blockingIo),
          (answers, e) -> new Probed(o.state(), e == null && answers, e));
      return this;
    }
    return act(step);
  }

  private Behavior<Command> onProbed(Probed p) {
    if (p.error() != null) {
      busy = false;
      lastError = "duplicate-address probe of the floating IP: " + cause(p.error());
      getContext().getLog().error("storage: {}", lastError);
      return this;
    }
    lastIpElsewhere = p.ipElsewhere();
    return act(StorageReconcile.next(evidence(p.state(), p.ipElsewhere())));
  }

  private Behavior<Command> act(StorageReconcile.Step step) {
    switch (step.action()) {
      case NOTHING -> {
        busy = false;
        blocked = "";
        if (step.desired().filter(r -> r == StorageReconcile.Role.PRIMARY).isPresent()) answerTakeovers(true, step.reason());
        else answerTakeovers(false, step.reason());   // manual mode holds or wants secondary
      }
      case BLOCKED -> {
        busy = false;
        answerTakeovers(false, "held back: " + step.reason());
        if (!step.reason().equals(blocked)) {
          blocked = step.reason();
          getContext().getLog().warn("storage: promotion held back: {}", step.reason());
          recorder.record(new HaEvent.StorageBlocked(self, step.reason(), clock.now()), Noted.INSTANCE, e -> Noted.INSTANCE);
        }
      }
      default -> {
        if (backoff.waiting(step.action(), clock.now())) {
          busy = false;
          return this;
        }
        blocked = "";
        getContext().getLog().info("storage: {} {}: {}", step.action(), step.resource().orElse(""), step.reason());
        recorder.record(new HaEvent.StorageStep(self, step.action().name(), step.resource().orElse(""), step.reason(),
            clock.now()), new StepJournaled(step), e -> new StepDone(step, e));
      }
    }
    return this;
  }

  /** Each split brain journaled once when it appears, and once when an operator has resolved it. */
  private void noteSplitBrains(StoragePort.Observed o) {
    for (StoragePort.Resource r : o.resources()) {
      boolean was = splitBrains.contains(r.name());
      if (r.splitBrain() == was) continue;
      if (r.splitBrain()) {
        splitBrains.add(r.name());
        getContext().getLog().error("storage: SPLIT BRAIN of {} recorded by DRBD's handler: no automatic promotion "
            + "until an operator resolves it (tandem storage split-brain resolve --survivor HOST)", r.name());
      } else {
        splitBrains.remove(r.name());
        getContext().getLog().warn("storage: split brain of {} resolved", r.name());
      }
      recorder.record(new HaEvent.SplitBrain(self, r.name(), r.splitBrain(), r.splitBrain()
          ? "recorded by the DRBD split-brain handler; connection " + r.connection() : "resolved", clock.now()),
          Noted.INSTANCE, e -> Noted.INSTANCE);
    }
  }

  private Behavior<Command> resolve(ResolveSplitBrain r) {
    if (last.isEmpty()) {
      r.replyTo().tell(new Answer(false, List.of("the storage state has not been read yet; try again in a second")));
      return this;
    }
    List<StoragePort.Resource> split = last.get().resources().stream().filter(StoragePort.Resource::splitBrain).toList();
    if (split.isEmpty()) {
      r.replyTo().tell(new Answer(false, List.of("no split brain is recorded on this host: nothing to resolve")));
      return this;
    }
    if (!r.survivor().equals(self)) {
      for (StoragePort.Resource res : split) {
        if (res.primary()) {
          r.replyTo().tell(new Answer(false, List.of(res.name() + " is Primary here, and this host is the victim: "
              + "demote it first (tandem storage manual-mode enable; tandem storage become-secondary)", "Exiting..")));
          return this;
        }
      }
    }
    boolean survivor = r.survivor().equals(self);
    if (!survivor && !storagePeers.contains(r.survivor())) {
      r.replyTo().tell(new Answer(false, List.of("--survivor " + r.survivor() + " is neither this host (" + self
          + ") nor one of its storage peers " + storagePeers.stream().map(HostId::toString).sorted().toList()
          + ": nothing resolved")));
      return this;
    }
    List<String> names = split.stream().map(StoragePort.Resource::name).toList();
    String what = survivor ? "survivor: keeps its data, reconnects"
        : "victim: discards its changes since the split (connect --discard-my-data)";
    getContext().getLog().warn("storage: resolving the split brain of {} as the {} ({})", names, what, r.source());
    // Journaled before DRBD is touched: a victim's discarded data is a decision an operator must find later.
    recorder.record(new HaEvent.StorageStep(self, "RESOLVE_SPLIT_BRAIN", String.join(":", names), what + " ("
        + r.source() + ")", clock.now()), new ResolveJournaled(names, r),
        e -> new Resolved(names, survivor, r.source(), e, r.replyTo()));
    return this;
  }

  private Behavior<Command> runResolve(ResolveJournaled j) {
    ResolveSplitBrain r = j.request();
    List<String> names = j.resources();
    boolean survivor = r.survivor().equals(self);
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> names.forEach(n -> port.resolveSplitBrain(n, survivor)),
        blockingIo), (ok, e) -> new Resolved(names, survivor, r.source(), e, r.replyTo()));
    return this;
  }

  private Behavior<Command> onResolved(Resolved r) {
    if (r.error() != null) {
      r.replyTo().tell(new Answer(false, List.of("split brain NOT resolved: " + cause(r.error()))));
      return this;
    }
    String detail = "resolved by an operator (" + r.source() + "): this host is the " + (r.survivor()
        ? "survivor, its data kept" : "victim, its changes since the split discarded");
    for (String n : r.resources()) {
      splitBrains.remove(n);
      recorder.record(new HaEvent.SplitBrain(self, n, false, detail, clock.now()), Noted.INSTANCE, e -> Noted.INSTANCE);
    }
    r.replyTo().tell(new Answer(true, List.of("split brain of " + String.join(", ", r.resources()) + " " + detail,
        r.survivor() ? "run the same command on the victim host too, if not done yet"
            : "run the same command on the survivor host too, if not done yet; DRBD resynchronises from the survivor")));
    getContext().getSelf().tell(Tick.INSTANCE);
    return this;
  }

  private StorageReconcile.Evidence evidence(StoragePort.Observed o, boolean ipElsewhere) {
    List<StorageReconcile.Resource> rs = o.resources().stream().map(r -> new StorageReconcile.Resource(r.name(),
        r.primary(), r.peerConnected(), r.peerConnected() && r.peerRole().equals("Secondary"), r.peerPrimary())).toList();
    boolean splitBrain = o.resources().stream().anyMatch(StoragePort.Resource::splitBrain);
    return new StorageReconcile.Evidence(master.orElse(false), manual, peer(), rs, o.targetRunning(), o.targetPresent(),
        o.ipLocal(), ipElsewhere, splitBrain);
  }

  /**
   * The storage peers as this node knows them: every host that advertised a storage role (or the dead master a
   * takeover names). Any of them not fenced and not heard from freshly makes it UNKNOWN; one that says it holds
   * anything makes it NOT_DEMOTED; all fresh and holding nothing: DEMOTED; all fenced: GONE.
   */
  private StorageReconcile.Peer peer() {
    Instant now = clock.now();
    boolean anyDemoted = false;
    boolean unknown = false;
    for (HostId h : storagePeers) {
      if (fenced.contains(h)) continue;
      Instant t = heard.get(h);
      if (t == null || t.plus(ADVERT_FRESH).isBefore(now)) {
        unknown = true;
      } else if (holds.getOrDefault(h, true)) {
        return StorageReconcile.Peer.NOT_DEMOTED;
      } else {
        anyDemoted = true;
      }
    }
    if (unknown) return StorageReconcile.Peer.UNKNOWN;
    if (anyDemoted) return StorageReconcile.Peer.DEMOTED;
    return !storagePeers.isEmpty() ? StorageReconcile.Peer.GONE : StorageReconcile.Peer.UNKNOWN;
  }

  private Behavior<Command> run(StepJournaled j) {
    StorageReconcile.Step step = j.step();
    if (step.action() == StorageReconcile.Action.PROMOTE) {
      // Judged again now that the journal has it: an advert or a changed role may have arrived meanwhile.
      StorageReconcile.Step now = StorageReconcile.next(evidence(last.get(), lastIpElsewhere));
      if (now.action() != StorageReconcile.Action.PROMOTE || !now.resource().equals(step.resource())) {
        busy = false;
        getContext().getLog().warn("storage: {} {} not done: judged again, {}", step.action(),
            step.resource().orElse(""), now.reason());
        getContext().getSelf().tell(Tick.INSTANCE);
        return this;
      }
    }
    stepInFlight = true;
    String res = step.resource().orElse("");
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> {
      switch (step.action()) {
        case PROMOTE -> port.promote(res);
        case DEMOTE -> port.demote(res);
        case START_TARGET -> port.startTarget();
        case STOP_TARGET -> port.stopTarget();
        case ADD_IP -> port.addFloatingIp();
        case REMOVE_IP -> port.removeFloatingIp();
        default -> throw new IllegalStateException("not a step: " + step.action());
      }
    }, blockingIo), (ok, e) -> new StepDone(step, e));
    return this;
  }

  private Behavior<Command> onStepDone(StepDone d) {
    busy = false;
    stepInFlight = false;
    StorageReconcile.Step step = d.step();
    lastStepAt = Optional.of(clock.now());
    if (d.error() != null) {
      String why = cause(d.error());
      String what = step.action() + step.resource().map(r -> " " + r).orElse("");
      lastError = what + ": " + why;
      Backoff.Wait w = backoff.failed(step.action(), clock.now());
      lastStep = what + " FAILED";
      getContext().getLog().error("storage: {} {} FAILED (try {}, next in {}s): {}", step.action(),
          step.resource().orElse(""), w.round(), w.delay().toSeconds(), why);
      recorder.record(new HaEvent.StorageStepFailed(self, step.action().name(), step.resource().orElse(""), why,
          clock.now()), Noted.INSTANCE, e -> Noted.INSTANCE);
      // A takeover waits out a few backed-off tries (a tool's passing hiccup); then it is told, and the reconcile
      // keeps retrying on its own.
      if (w.round() >= TAKEOVER_TRIES) answerTakeovers(false, lastError + " (" + w.round() + " tries)");
      return this;
    }
    backoff.forget(step.action());
    lastError = "";
    lastStep = step.action() + step.resource().map(r -> " " + r).orElse("") + " done";
    getContext().getSelf().tell(Tick.INSTANCE);   // the next step at once
    return this;
  }

  private void answerTakeovers(boolean primary, String detail) {
    takeovers.forEach(t -> t.tell(new TakeOverResult(primary, detail)));
    takeovers.clear();
  }

  private Behavior<Command> onManual(Manual m) {
    if (last.isEmpty() || master.isEmpty()) {
      m.replyTo().tell(new ManualMode.Outcome(false, manual, List.of("the storage state has not been read yet: "
          + (lastError.isEmpty() ? "try again in a second" : lastError))));
      return this;
    }
    if (m.verb() == ManualMode.Verb.BECOME_PRIMARY && !last.get().ipLocal()) {   // iSCSI-HA pings the VIP first
      getContext().pipeToSelf(CompletableFuture.supplyAsync(port::floatingIpAnswersElsewhere, blockingIo),
          (answers, e) -> new ManualProbed(m, e != null || answers));
      return this;
    }
    return decideManual(new ManualProbed(m, false));
  }

  private Behavior<Command> decideManual(ManualProbed p) {
    Manual m = p.request();
    lastIpElsewhere = p.ipElsewhere();
    StoragePort.Observed o = last.get();
    ManualMode.Outcome out = ManualMode.apply(m.verb(), new ManualMode.Evidence(manual, master.get(),
        o.resources().stream().map(StoragePort.Resource::name).toList(),
        o.resources().stream().map(StoragePort.Resource::primary).toList(),
        o.resources().stream().map(StoragePort.Resource::peerPrimary).toList(), o.ipLocal(), lastIpElsewhere,
        floatingIp));
    if (!out.accepted()) {
      m.replyTo().tell(out);
      return this;
    }
    String mode = out.manual().map(x -> x.name().toLowerCase(java.util.Locale.ROOT)).orElse("automatic");
    recorder.record(new HaEvent.StorageManualMode(self, mode, m.source(), clock.now()), new ManualJournaled(out, m.replyTo()),
        e -> new ManualJournaled(new ManualMode.Outcome(false, manual, List.of("not journaled, nothing changed: " + e)),
            m.replyTo()));
    return this;
  }

  private Status status() {
    Optional<StorageReconcile.Role> desired = master.isEmpty() ? Optional.empty()
        : last.map(o -> StorageReconcile.desired(evidence(o, lastIpElsewhere))).orElse(Optional.empty());
    String errors = String.join("; ", java.util.stream.Stream.of(lastReadError, lastError).filter(e -> !e.isEmpty()).toList());
    return new Status(self, port.describe(), desired, manual.map(Enum::name), last, observedAt, lastStep, lastStepAt,
        blocked, errors, peer(), storagePeers);
  }

  /** A storage step is retried sooner than a VM start: 1 s, doubling, at most 30 s. */
  static Duration stepBackoff(int failures) {
    return Duration.ofSeconds(Math.min(30, 1L << Math.min(failures - 1, 5)));
  }

  static StorageReconcile.Manual manualOf(String mode) {
    return StorageReconcile.Manual.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
  }

  private static String cause(Throwable t) {
    Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }
}
