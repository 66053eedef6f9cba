package io.gkm.ingest.admission;

/** One change the mutating webhook makes to the admitted object. */
public sealed interface ObjectChange permits AnnotationChange, ImageChange {
}
