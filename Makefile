# GKM trust pipeline: cluster targets (deploy/README.md explains what each installs) and the
# project's test and run commands. `make help` lists them.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c

KUBECTL ?= kubectl
KIND ?= kind
HELM ?= helm
# deploy/overlays/<OVERLAY> is what `make deploy` applies.
OVERLAY ?= production
KIND_CLUSTER_NAME ?= gkm
# Whether admission relies on Kyverno's image verification (ConfigMap gkm-config, key
# gkm.kyverno.enabled, GKM's switch); run-on-kind installs Kyverno only when true.
KYVERNO_ENABLED ?= true
# Versions of what run-on-kind installs (override on the command line).
CERT_MANAGER_VERSION ?= v1.18.2
STRIMZI_VERSION ?= 0.49.1
# Empty: the chart repository's newest Kyverno.
KYVERNO_CHART_VERSION ?=
NAMESPACE := gkm-system
IMAGE_TAR := cli/target/gkm-image.tar

.PHONY: help
help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-26s %s\n", $$1, $$2}'

##@ Project

.PHONY: test
test: ## Every test (./run-tests: installs what the tests need, then ./mvnw verify).
	./run-tests

.PHONY: demo
demo: ## The whole pipeline on this machine, end to end (`./gkm demo`: embedded Kafka, local registry, sample images, two simulated ROCm nodes).
	./gkm demo

.PHONY: image
image: ## The gkm image as a tarball (Jib; pulls its distroless base image): cli/target/gkm-image.tar.
	./mvnw -B -q -pl cli -am install -DskipTests
	./mvnw -B -Pjib -pl cli jib:buildTar

.PHONY: crds
crds: ## Copy the CRDs ingest generates from its model classes into deploy/base/crd.
	./mvnw -B -q -pl ingest -am package -DskipTests
	cp ingest/target/classes/META-INF/fabric8/*.gkm.io-v1.yml deploy/base/crd/

##@ Cluster (the current kubectl context)

.PHONY: deploy
deploy: deploy-gkm-policies ## Apply deploy/overlays/$(OVERLAY) (needs cert-manager and the Strimzi operator in the cluster).
	$(KUBECTL) apply --server-side -k deploy/overlays/$(OVERLAY)

.PHONY: deploy-gkm-policies
deploy-gkm-policies: ## ConfigMap gkm-policies: GKM's Kyverno policies for ingest's inline verification (needs network).
	$(KUBECTL) apply -f deploy/base/namespace.yaml
	policies="$$(mktemp)"; trap 'rm -f "$$policies"' EXIT; \
	  $(KUBECTL) kustomize deploy/kyverno/policies > "$$policies"; \
	  $(KUBECTL) -n $(NAMESPACE) create configmap gkm-policies --from-file=policies.yaml="$$policies" \
	    --dry-run=client -o yaml | $(KUBECTL) apply -f -

.PHONY: undeploy
undeploy: ## Delete what `make deploy` applied (Kafka's volumes stay unless the overlay says deleteClaim).
	$(KUBECTL) delete --ignore-not-found -k deploy/overlays/$(OVERLAY)

.PHONY: deploy-kyverno-policies
deploy-kyverno-policies: ## Apply GKM's Kyverno policies (fetched from GKM's repository at the seed commit: needs network).
	$(KUBECTL) apply -k deploy/kyverno/policies

.PHONY: undeploy-kyverno-policies
undeploy-kyverno-policies: ## Delete GKM's Kyverno policies (needs network, as above).
	$(KUBECTL) delete --ignore-not-found -k deploy/kyverno/policies

##@ kind

.PHONY: run-on-kind
run-on-kind: check-kyverno-enabled ## A kind cluster with cert-manager, Strimzi, Kyverno (KYVERNO_ENABLED=true) and the kind overlay.
	$(KIND) get clusters | grep -qx '$(KIND_CLUSTER_NAME)' || $(KIND) create cluster --name '$(KIND_CLUSTER_NAME)' --wait 120s
	$(KUBECTL) config use-context 'kind-$(KIND_CLUSTER_NAME)'
	@# GKM's test labels: its examples select nodes labelled gkm-test-node, its Kyverno values hardware-type=gpu.
	$(KUBECTL) label nodes --all --overwrite gkm-test-node=true hardware-type=gpu
	$(KUBECTL) apply -f 'https://github.com/cert-manager/cert-manager/releases/download/$(CERT_MANAGER_VERSION)/cert-manager.yaml'
	$(KUBECTL) -n cert-manager wait --for=condition=Available --timeout=180s deployment --all
	$(KUBECTL) apply -f deploy/base/namespace.yaml
	@# Strimzi's operator, watching gkm-system (its manifests name the namespace "myproject").
	curl -fsSL 'https://github.com/strimzi/strimzi-kafka-operator/releases/download/$(STRIMZI_VERSION)/strimzi-cluster-operator-$(STRIMZI_VERSION).yaml' \
	  | sed 's/namespace: myproject/namespace: $(NAMESPACE)/' | $(KUBECTL) -n $(NAMESPACE) apply --server-side -f -
	$(KUBECTL) -n $(NAMESPACE) wait --for=condition=Available --timeout=180s deployment/strimzi-cluster-operator
	$(MAKE) image
	$(KIND) load image-archive $(IMAGE_TAR) --name '$(KIND_CLUSTER_NAME)'
	$(MAKE) deploy OVERLAY=kind
	$(KUBECTL) -n $(NAMESPACE) patch configmap gkm-config --type merge -p '{"data":{"gkm.kyverno.enabled":"$(KYVERNO_ENABLED)"}}'
ifeq ($(KYVERNO_ENABLED),true)
	$(HELM) upgrade --install kyverno kyverno --repo https://kyverno.github.io/kyverno/ $(if $(KYVERNO_CHART_VERSION),--version $(KYVERNO_CHART_VERSION)) \
	  --namespace kyverno --create-namespace --values deploy/kyverno/values.yaml --wait
	@# Kyverno validates a policy's kinds against the API: GKM's CRDs are installed by now.
	$(MAKE) deploy-kyverno-policies
endif
	$(KUBECTL) -n $(NAMESPACE) wait --for=condition=Ready --timeout=600s kafka/gkm-kafka
	$(KUBECTL) -n $(NAMESPACE) rollout restart deployment/gkm-ingest deployment/gkm-verifier
	$(KUBECTL) -n $(NAMESPACE) rollout status --timeout=300s deployment/gkm-ingest
	$(KUBECTL) -n $(NAMESPACE) rollout status --timeout=300s deployment/gkm-verifier
	@echo "run-on-kind: GKM pipeline on kind-$(KIND_CLUSTER_NAME), gkm.kyverno.enabled=$(KYVERNO_ENABLED)"

.PHONY: delete-kind
delete-kind: ## Delete the kind cluster.
	$(KIND) delete cluster --name '$(KIND_CLUSTER_NAME)'

.PHONY: check-kyverno-enabled
check-kyverno-enabled:
	@[[ '$(KYVERNO_ENABLED)' == true || '$(KYVERNO_ENABLED)' == false ]] \
	  || { echo "KYVERNO_ENABLED must be true or false, not '$(KYVERNO_ENABLED)'" >&2; exit 2; }
