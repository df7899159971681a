package org.tandemha.controller.journal;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.RecoveryFailed;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.SignalHandler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Tiny event-sourced host registry used by the journal tests. */
public final class TestEntity
    extends EventSourcedBehavior<TestEntity.Command, TestEntity.Event, TestEntity.State> {

  public interface Command extends JsonSerializable {}

  public record Add(String host, int weight, ActorRef<Done> replyTo) implements Command {}

  public record Remove(String host, ActorRef<Done> replyTo) implements Command {}

  public record Get(ActorRef<State> replyTo) implements Command {}

  public interface Event extends JsonSerializable {}

  public record HostAdded(String host, int weight, Instant at) implements Event {}

  public record HostRemoved(String host, String reason) implements Event {}

  /** hosts currently registered, applied = number of events applied so far. */
  public record State(List<String> hosts, int applied) implements JsonSerializable {
    State add(String h) {
      List<String> l = new ArrayList<>(hosts);
      l.add(h);
      return new State(List.copyOf(l), applied + 1);
    }

    State remove(String h) {
      List<String> l = new ArrayList<>(hosts);
      l.remove(h);
      return new State(List.copyOf(l), applied + 1);
    }
  }

  /** Receives "recovered:<events applied>" or "failed:<message>". */
  private final ActorRef<String> lifecycle;

  public static Behavior<Command> create(String id, ActorRef<String> lifecycle) {
    return new TestEntity(PersistenceId.of("Host", id), lifecycle);
  }

  private TestEntity(PersistenceId pid, ActorRef<String> lifecycle) {
    super(pid);
    this.lifecycle = lifecycle;
  }

  @Override
  public State emptyState() {
    return new State(List.of(), 0);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of("ha-event");
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Add.class, c -> Effect().persist(new HostAdded(c.host(), c.weight(), Instant.parse("2026-11-22T04:33:01.123456789Z")))
            .thenReply(c.replyTo(), s -> Done.getInstance()))
        .onCommand(Remove.class, c -> Effect().persist(new HostRemoved(c.host(), "decommissioned \"quoted\" ünï"))
            .thenReply(c.replyTo(), s -> Done.getInstance()))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(HostAdded.class, (s, e) -> s.add(e.host()))
        .onEvent(HostRemoved.class, (s, e) -> s.remove(e.host()))
        .build();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), s -> lifecycle.tell("recovered:" + s.applied()))
        .onSignal(RecoveryFailed.class, (s, sig) -> lifecycle.tell("failed:" + sig.getFailure().getMessage()))
        .build();
  }
}
