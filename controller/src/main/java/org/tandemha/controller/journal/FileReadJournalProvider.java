package org.tandemha.controller.journal;

import akka.actor.ExtendedActorSystem;
import akka.persistence.query.ReadJournalProvider;
import com.typesafe.config.Config;

/** {@code PersistenceQuery.get(system).getReadJournalFor(FileReadJournal.class, "tandem.journal.query")}. */
public final class FileReadJournalProvider implements ReadJournalProvider {
  public static final String ID = "tandem.journal.query";
  private final FileReadJournal journal;

  public FileReadJournalProvider(ExtendedActorSystem system, Config config, String configPath) {
    this.journal = new FileReadJournal(system, config);
  }

  @Override public akka.persistence.query.scaladsl.ReadJournal scaladslReadJournal() {
    return new akka.persistence.query.scaladsl.ReadJournal() {};
  }

  @Override public akka.persistence.query.javadsl.ReadJournal javadslReadJournal() {
    return journal;
  }
}
