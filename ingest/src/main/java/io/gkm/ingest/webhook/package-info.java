/**
 * GKM's admission webhook over HTTPS (Vert.x): AdmissionReview {@code admission.k8s.io/v1} on GKM's
 * four paths, each decision recorded on {@code gkm.admissions} and {@code gkm.audit}. Bad input is
 * answered with a well-formed AdmissionReview error or a plain 4xx, never a 5xx.
 */
package io.gkm.ingest.webhook;
