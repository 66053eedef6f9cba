/**
 * The node's GPUs on {@code gkm.nodes}, at start and every GKM_INVENTORY_INTERVAL, audited when
 * they change ({@link io.gkm.nodeconsumer.inventory.InventoryPublisher}).
 */
package io.gkm.nodeconsumer.inventory;
