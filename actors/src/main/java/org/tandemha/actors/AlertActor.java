package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.tandemha.actors.decide.AlertPolicy;
import org.tandemha.actors.port.AlertChannel;
import org.tandemha.actors.port.Clock;
import org.tandemha.protocol.Admin;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;

/**
 * Alerts that reach people (issue #9 item 7): every decision the node journals is offered here (the journal
 * publishes it on the event stream once written); {@link AlertPolicy} says whether it alerts and in which words,
 * the per-type switches and the duplicate window (MAIL_SCREEN_TIME) filter it, and each configured channel gets it
 * on the blocking pool — asynchronously, so no decision ever waits for a mail server. A channel that fails is
 * retried after each of {@link Settings#retries} and then reported as failed, in the log and in
 * {@code tandem alerts list}; it is never fatal.
 */
public final class AlertActor extends AbstractBehavior<AlertActor.Command> {
  public sealed interface Command {}
  private record Journaled(HaEvent event) implements Command {}
  private record Named(HaEvent event, Map<String, String> names) implements Command {}
  private record Delivered(int id, int channel, int attempt, Throwable error) implements Command {}
  private record Retry(int id, int channel, int attempt) implements Command {}
  /** {@code tandem alert test}: one test alert through every channel, each outcome answered. */
  public record Test(String who, ActorRef<Admin.Reply> replyTo) implements Command {}
  private record Tested(int channel, Throwable error, TestRound round) implements Command {}
  /** {@code tandem alerts list}. */
  public record Recent(ActorRef<Admin.Reply> replyTo) implements Command {}
  /** {@code tandem alerts clear}: the list and the duplicate window start afresh. */
  public record Clear(ActorRef<Admin.Reply> replyTo) implements Command {}

  /**
   * @param screenTime MAIL_SCREEN_TIME: an alert with the same words within it is not sent again
   * @param switches   per event type, on or off, over {@link AlertPolicy}'s defaults
   * @param retries    the waits before each further try of a failed channel
   */
  public record Settings(Duration screenTime, Map<String, Boolean> switches, List<Duration> retries) {
    public Settings {
      switches = Map.copyOf(switches);
      retries = List.copyOf(retries);
    }

    public static final List<Duration> DEFAULT_RETRIES =
        List.of(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2));
  }

  /** Kept for {@code tandem alerts list}. */
  static final int KEEP = 100;

  public static Behavior<Command> create(HostId self, List<AlertChannel> channels, Settings settings,
                                         Optional<ActorRef<NodeGuardian.Command>> guardian, Clock clock,
                                         Executor blockingIo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(HaEvent.class,
          ctx.messageAdapter(HaEvent.class, Journaled::new)));
      return new AlertActor(ctx, timers, self, channels, settings, guardian, clock, blockingIo);
    }));
  }

  /** One alert and how each channel took it. */
  private static final class Sent {
    final int id;
    final AlertChannel.Alert alert;
    final String[] outcome;

    Sent(int id, AlertChannel.Alert alert, int channels) {
      this.id = id;
      this.alert = alert;
      this.outcome = new String[channels];
    }
  }

  private record TestRound(ActorRef<Admin.Reply> replyTo, String[] outcome) {}

  private final TimerScheduler<Command> timers;
  private final HostId self;
  private final List<AlertChannel> channels;
  private final Settings settings;
  private final Optional<ActorRef<NodeGuardian.Command>> guardian;
  private final Clock clock;
  private final Executor blockingIo;
  private final AlertPolicy.Screen screen;
  private final Deque<Sent> recent = new ArrayDeque<>();
  private final Map<Integer, Sent> inFlight = new HashMap<>();
  private final Map<String, Integer> suppressed = new LinkedHashMap<>();
  private int nextId = 1;
  private String selfName = "";

  private AlertActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, HostId self, List<AlertChannel> channels,
                     Settings settings, Optional<ActorRef<NodeGuardian.Command>> guardian, Clock clock,
                     Executor blockingIo) {
    super(ctx);
    this.timers = timers;
    this.self = self;
    this.channels = List.copyOf(channels);
    this.settings = settings;
    this.guardian = guardian;
    this.clock = clock;
    this.blockingIo = blockingIo;
    this.screen = new AlertPolicy.Screen(settings.screenTime());
    ctx.getLog().info("alerts: {}", channels.isEmpty() ? "no channel configured (tandem.alerts): alerts are only logged"
        : String.join(", ", channels.stream().map(AlertChannel::name).toList()));
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Journaled.class, j -> {
          if (AlertPolicy.of(j.event(), h -> h.uuid()).isEmpty()) return this;   // most events never alert
          if (guardian.isEmpty()) return onNamed(new Named(j.event(), Map.of()));
          getContext().ask(NodeGuardian.PoolView.class, guardian.get(), Duration.ofSeconds(3), NodeGuardian.GetPool::new,
              (v, e) -> new Named(j.event(), e != null || v.pool().isEmpty() ? Map.of() : names(v)));
          return this;
        })
        .onMessage(Named.class, this::onNamed)
        .onMessage(Delivered.class, this::onDelivered)
        .onMessage(Retry.class, r -> {
          Sent s = inFlight.get(r.id());
          if (s != null) deliver(s, r.channel(), r.attempt());
          return this;
        })
        .onMessage(Test.class, this::test)
        .onMessage(Tested.class, this::onTested)
        .onMessage(Recent.class, r -> {
          r.replyTo().tell(list());
          return this;
        })
        .onMessage(Clear.class, c -> {
          int n = recent.size();
          recent.clear();
          suppressed.clear();
          screen.forget();
          c.replyTo().tell(new Admin.Reply(0, List.of(n + " alert(s) cleared from the list; the duplicate window "
              + "starts afresh")));
          return this;
        })
        .build();
  }

  private static Map<String, String> names(NodeGuardian.PoolView v) {
    Map<String, String> m = new HashMap<>();
    v.pool().get().hosts().forEach(h -> m.put(h.id().uuid(), h.name()));
    return m;
  }

  private Behavior<Command> onNamed(Named n) {
    if (n.names().containsKey(self.uuid())) selfName = n.names().get(self.uuid());
    Optional<AlertPolicy.Draft> draft = AlertPolicy.of(n.event(), h -> {
      String name = n.names().get(h.uuid());
      return name == null || name.isEmpty() ? h.uuid() : name;
    });
    if (draft.isEmpty()) return this;
    AlertPolicy.Draft d = draft.get();
    if (!AlertPolicy.enabled(d, settings.switches())) return this;
    AlertChannel.Alert alert = new AlertChannel.Alert(d.type(), d.priority(), d.title(), d.what(), d.action(),
        hostLabel(), n.event().at());
    if (!screen.admit(alert.dedupeKey(), clock.now())) {
      suppressed.merge(alert.title(), 1, Integer::sum);
      getContext().getLog().info("alert suppressed (the same within MAIL_SCREEN_TIME={}m): {}",
          settings.screenTime().toMinutes(), alert.title());
      return this;
    }
    getContext().getLog().warn("ALERT [{}] {}: {}", d.priority(), alert.title(), alert.what());
    Sent s = new Sent(nextId++, alert, channels.size());
    recent.addLast(s);
    while (recent.size() > KEEP) recent.removeFirst();
    if (channels.isEmpty()) return this;
    inFlight.put(s.id, s);
    for (int c = 0; c < channels.size(); c++) deliver(s, c, 1);
    return this;
  }

  private String hostLabel() {
    return self.uuid() + (selfName.isEmpty() ? "" : " (" + selfName + ")");
  }

  private void deliver(Sent s, int channel, int attempt) {
    s.outcome[channel] = attempt == 1 ? "sending" : "retrying (try " + attempt + ")";
    AlertChannel ch = channels.get(channel);
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> {
      try {
        ch.send(s.alert);
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, blockingIo), (ok, e) -> new Delivered(s.id, channel, attempt, e));
  }

  private Behavior<Command> onDelivered(Delivered d) {
    Sent s = inFlight.get(d.id());
    if (s == null) return this;
    AlertChannel ch = channels.get(d.channel());
    if (d.error() == null) {
      s.outcome[d.channel()] = "sent" + (d.attempt() > 1 ? " (try " + d.attempt() + ")" : "");
    } else if (d.attempt() <= settings.retries().size()) {
      Duration wait = settings.retries().get(d.attempt() - 1);
      s.outcome[d.channel()] = "try " + d.attempt() + " failed (" + cause(d.error()) + "), next in " + wait.toSeconds() + "s";
      getContext().getLog().warn("alert via {} failed (try {}), again in {}s: {}", ch.name(), d.attempt(),
          wait.toSeconds(), cause(d.error()));
      timers.startSingleTimer(new Retry(d.id(), d.channel(), d.attempt() + 1), wait);
    } else {
      s.outcome[d.channel()] = "FAILED after " + d.attempt() + " tries: " + cause(d.error());
      getContext().getLog().error("alert via {} FAILED after {} tries, given up: {} ({})", ch.name(), d.attempt(),
          s.alert.title(), cause(d.error()));
    }
    boolean open = false;
    for (String o : s.outcome) open |= o == null || o.startsWith("sending") || o.startsWith("retrying") || o.startsWith("try ");
    if (!open) inFlight.remove(d.id());
    return this;
  }

  private Behavior<Command> test(Test t) {
    if (channels.isEmpty()) {
      t.replyTo().tell(new Admin.Reply(1, List.of("no alert channel is configured (tandem.alerts.mail, "
          + "tandem.alerts.xapi, tandem.alerts.webhook): nothing sent")));
      return this;
    }
    String id = java.util.UUID.randomUUID().toString();
    AlertChannel.Alert alert = new AlertChannel.Alert("Test", 3, "Test Message ID " + id,
        "A test alert asked for by " + t.who() + " with `tandem alert test`.", "Nothing: if you read this, "
        + "alerts reach you through this channel.", hostLabel(), clock.now());
    TestRound round = new TestRound(t.replyTo(), new String[channels.size()]);
    for (int c = 0; c < channels.size(); c++) {
      AlertChannel ch = channels.get(c);
      int channel = c;
      getContext().pipeToSelf(CompletableFuture.runAsync(() -> {
        try {
          ch.send(alert);
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      }, blockingIo), (ok, e) -> new Tested(channel, e, round));
    }
    return this;
  }

  private Behavior<Command> onTested(Tested t) {
    String[] out = t.round().outcome();
    out[t.channel()] = channels.get(t.channel()).name() + ": " + (t.error() == null ? "sent" : "FAILED: " + cause(t.error()));
    for (String o : out) if (o == null) return this;
    boolean all = java.util.Arrays.stream(out).noneMatch(o -> o.contains(": FAILED"));
    t.round().replyTo().tell(new Admin.Reply(all ? 0 : 1, List.of(out)));
    return this;
  }

  private Admin.Reply list() {
    List<String> out = new ArrayList<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    if (recent.isEmpty()) out.add("no alerts since the node started (or the last `tandem alerts clear`)");
    for (Sent s : recent) {
      out.add(s.alert.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "  [" + s.alert.priority() + "] "
          + s.alert.title());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("at", s.alert.at().toString());
      row.put("type", s.alert.type());
      row.put("priority", s.alert.priority());
      row.put("title", s.alert.title());
      row.put("details", s.alert.what());
      Map<String, Object> outcomes = new LinkedHashMap<>();
      for (int c = 0; c < channels.size(); c++) {
        String o = s.outcome[c] == null ? "not sent" : s.outcome[c];
        out.add("      " + channels.get(c).name() + ": " + o);
        outcomes.put(channels.get(c).name(), o);
      }
      row.put("channels", outcomes);
      rows.add(row);
    }
    suppressed.forEach((title, n) -> out.add("suppressed as duplicates within MAIL_SCREEN_TIME: " + n + " x " + title));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("alerts", rows);
    data.put("suppressed", new LinkedHashMap<>(suppressed));
    data.put("channels", channels.stream().map(AlertChannel::name).toList());
    return new Admin.Reply(0, out, data);
  }

  private static String cause(Throwable t) {
    Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }
}
