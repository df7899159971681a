package org.tandemha.protocol;

/** A host's power as a fence device reads it back. UNKNOWN is never taken as OFF. */
public enum PowerState { ON, OFF, UNKNOWN }
