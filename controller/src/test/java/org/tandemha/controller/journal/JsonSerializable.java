package org.tandemha.controller.journal;

/** Test marker interface bound to Akka's jackson-json serializer. */
public interface JsonSerializable {}
