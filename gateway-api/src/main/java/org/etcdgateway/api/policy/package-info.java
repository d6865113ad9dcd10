/**
 * The load-balancing SPI: which endpoint a new connection or request goes to. Implement
 * {@link org.etcdgateway.api.policy.LoadBalancingPolicyProvider} to add a policy.
 */
package org.etcdgateway.api.policy;
