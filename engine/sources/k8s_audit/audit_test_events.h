#pragma once
// Realistic audit events for the k8s_audit tests, shaped as kube-apiserver writes them at level
// RequestResponse (names, ids and addresses invented). Test-only; not part of the library.

namespace peregrine::engine::audit_test {

// kubectl creates pod "web" with two containers (the second privileged, adding capabilities and
// a host port), an init container, hostNetwork, and hostPath + configMap volumes.
inline constexpr const char* kPodCreate = R"json({
  "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse",
  "auditID": "6f1d6a0e-3c1b-4f8e-9a47-0d3f5a1c2b10", "stage": "ResponseComplete",
  "requestURI": "/api/v1/namespaces/shop/pods?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
  "verb": "create",
  "user": {"username": "alice@example.com", "groups": ["developers", "system:authenticated"]},
  "sourceIPs": ["203.0.113.7", "10.0.0.5"],
  "userAgent": "kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819",
  "objectRef": {"resource": "pods", "namespace": "shop", "name": "web", "apiVersion": "v1"},
  "responseStatus": {"metadata": {}, "code": 201},
  "requestObject": {
    "kind": "Pod", "apiVersion": "v1",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
    "spec": {
      "hostNetwork": true,
      "securityContext": {"runAsUser": 1000, "fsGroup": 2000, "supplementalGroups": [3000, 4000]},
      "initContainers": [
        {"name": "init-perms", "image": "busybox:1.36", "command": ["sh", "-c", "chown -R 1000 /data"],
         "securityContext": {"runAsUser": 0}}
      ],
      "containers": [
        {"name": "nginx", "image": "docker.io/library/nginx:1.25.3",
         "ports": [{"containerPort": 8080, "protocol": "TCP"}],
         "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
                             "runAsUser": 101}},
        {"name": "debugger", "image": "registry.example.com:5000/tools/debug@sha256:0123456789abcdef",
         "command": ["/bin/sh"], "args": ["-c", "sleep infinity"],
         "ports": [{"containerPort": 9000, "hostPort": 19000}],
         "securityContext": {"privileged": true, "runAsGroup": 0,
                             "capabilities": {"add": ["NET_ADMIN", "SYS_TIME"]}}}
      ],
      "volumes": [
        {"name": "docker-sock", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}},
        {"name": "config", "configMap": {"name": "web-config"}},
        {"name": "plugins", "flexVolume": {"driver": "example.com/lvm"}}
      ]
    }
  },
  "responseObject": {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "web", "namespace": "shop", "uid": "0b7f0c52-6d5b-4c1e-8d0e-7e3b1f2a9c44"}},
  "requestReceivedTimestamp": "2024-03-05T10:15:30.123456Z",
  "stageTimestamp": "2024-03-05T10:15:30.234567Z",
  "annotations": {
    "authorization.k8s.io/decision": "allow",
    "authorization.k8s.io/reason": "RBAC: allowed by RoleBinding \"dev-edit/shop\" of ClusterRole \"edit\" to Group \"developers\"",
    "pod-security.kubernetes.io/audit-violations": "would violate PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true), privileged (container \"debugger\" must not set securityContext.privileged=true)"
  }
})json";

// A ClusterRoleBinding granting cluster-admin to a user, a group and a service account.
inline constexpr const char* kClusterAdminBinding = R"json({
  "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse",
  "auditID": "a3c2f9e4-1b7d-4a55-b0f2-9d8e7c6b5a41", "stage": "ResponseComplete",
  "requestURI": "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "verb": "create",
  "user": {"username": "mallory", "groups": ["system:authenticated"]},
  "sourceIPs": ["198.51.100.23"], "userAgent": "kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819",
  "objectRef": {"resource": "clusterrolebindings", "name": "backdoor", "apiGroup": "rbac.authorization.k8s.io", "apiVersion": "v1"},
  "responseStatus": {"metadata": {}, "code": 201},
  "requestObject": {
    "kind": "ClusterRoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1",
    "metadata": {"name": "backdoor"},
    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
    "subjects": [
      {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "mallory"},
      {"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "contractors"},
      {"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}
    ]
  },
  "responseObject": {"kind": "ClusterRoleBinding", "metadata": {"name": "backdoor"}},
  "requestReceivedTimestamp": "2024-03-05T11:00:00.000001Z",
  "stageTimestamp": "2024-03-05T11:00:00.004002Z",
  "annotations": {"authorization.k8s.io/decision": "allow",
                  "authorization.k8s.io/reason": "RBAC: allowed by ClusterRoleBinding \"ops-admins\" of ClusterRole \"cluster-admin\" to User \"mallory\""}
})json";

// `kubectl exec -it web-0 -- /bin/sh -c id` against a StatefulSet pod.
inline constexpr const char* kPodExec = R"json({
  "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Request",
  "auditID": "d41d8cd9-8f00-4b20-9e98-00998ecf8427", "stage": "ResponseStarted",
  "requestURI": "/api/v1/namespaces/prod/pods/web-0/exec?command=%2Fbin%2Fsh&command=-c&command=id&container=web&stdin=true&stdout=true&tty=true",
  "verb": "create",
  "user": {"username": "bob", "groups": ["sre", "system:authenticated"]},
  "sourceIPs": ["192.0.2.44"], "userAgent": "kubectl/v1.28.4 (darwin/arm64) kubernetes/bae2c62",
  "objectRef": {"resource": "pods", "namespace": "prod", "name": "web-0", "apiVersion": "v1", "subresource": "exec"},
  "responseStatus": {"metadata": {}, "code": 101},
  "requestReceivedTimestamp": "2024-03-05T12:30:45.500000Z",
  "stageTimestamp": "2024-03-05T12:30:45.612345Z",
  "annotations": {"authorization.k8s.io/decision": "allow",
                  "authorization.k8s.io/reason": "RBAC: allowed by ClusterRoleBinding \"sre\" of ClusterRole \"admin\" to Group \"sre\""}
})json";

// A user reads a secret while impersonating a service account; the request was forbidden.
inline constexpr const char* kSecretGet = R"json({
  "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
  "auditID": "0c9a8b7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d", "stage": "ResponseComplete",
  "requestURI": "/api/v1/namespaces/payments/secrets/db-password", "verb": "get",
  "user": {"username": "carol@example.com", "groups": ["contractors", "system:authenticated"]},
  "impersonatedUser": {"username": "system:serviceaccount:payments:api", "groups": ["system:serviceaccounts"]},
  "sourceIPs": ["198.51.100.99"], "userAgent": "curl/8.5.0",
  "objectRef": {"resource": "secrets", "namespace": "payments", "name": "db-password", "apiVersion": "v1"},
  "responseStatus": {"metadata": {}, "status": "Failure", "message": "secrets \"db-password\" is forbidden", "reason": "Forbidden", "code": 403},
  "requestReceivedTimestamp": "2024-03-05T13:00:00.000000Z",
  "stageTimestamp": "2024-03-05T13:00:00.001000Z",
  "annotations": {"authorization.k8s.io/decision": "forbid", "authorization.k8s.io/reason": ""}
})json";

// A ConfigMap carrying AWS credentials (the rule "Create/Modify Configmap With Private
// Credentials" looks for these keys).
inline constexpr const char* kConfigMapAws = R"json({
  "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse",
  "auditID": "f00dbabe-0000-4000-8000-000000000001", "stage": "ResponseComplete",
  "requestURI": "/api/v1/namespaces/default/configmaps", "verb": "create",
  "user": {"username": "dave", "groups": ["system:authenticated"]},
  "sourceIPs": ["10.1.2.3"], "userAgent": "kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819",
  "objectRef": {"resource": "configmaps", "namespace": "default", "name": "app-settings", "apiVersion": "v1"},
  "responseStatus": {"metadata": {}, "code": 201},
  "requestObject": {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "app-settings"},
    "data": {"aws_access_key_id": "AKIAEXAMPLEEXAMPLE00", "aws_secret_access_key": "c2VjcmV0/example", "region": "eu-west-1"}},
  "requestReceivedTimestamp": "2024-03-05T14:00:00.000000Z",
  "stageTimestamp": "2024-03-05T14:00:00.010000Z",
  "annotations": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": ""}
})json";

// A ClusterRole with a wildcard rule and a non-resource rule, and a NodePort Service.
inline constexpr const char* kClusterRoleCreate = R"json({
  "kind": "Event", "apiVersion": "audit.k8s.io/v1beta1", "level": "RequestResponse",
  "auditID": "11111111-2222-4333-8444-555555555555", "stage": "ResponseComplete",
  "requestURI": "/apis/rbac.authorization.k8s.io/v1/clusterroles", "verb": "create",
  "user": {"username": "erin"},
  "objectRef": {"resource": "clusterroles", "name": "everything", "apiGroup": "rbac.authorization.k8s.io"},
  "responseStatus": {"code": 201},
  "requestObject": {"kind": "ClusterRole", "metadata": {"name": "everything"},
    "rules": [
      {"apiGroups": ["", "apps"], "resources": ["pods", "secrets"], "verbs": ["get", "list", "*"]},
      {"nonResourceURLs": ["/metrics", "/healthz"], "verbs": ["get"]}
    ]},
  "requestReceivedTimestamp": "2024-03-05T15:00:00Z"
})json";

inline constexpr const char* kServiceCreate = R"json({
  "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse",
  "auditID": "22222222-3333-4444-8555-666666666666", "stage": "ResponseComplete",
  "requestURI": "/api/v1/namespaces/shop/services", "verb": "create",
  "user": {"username": "frank"},
  "objectRef": {"resource": "services", "namespace": "shop", "name": "web"},
  "responseStatus": {"code": 201},
  "requestObject": {"kind": "Service", "metadata": {"name": "web"},
    "spec": {"type": "NodePort", "ports": [{"port": 80, "targetPort": 8080, "nodePort": 30080}]}},
  "stageTimestamp": "2024-03-05T16:00:00.5Z"
})json";

}  // namespace peregrine::engine::audit_test
