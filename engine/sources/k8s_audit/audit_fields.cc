#include "engine/sources/k8s_audit/audit_fields.h"

#include <string>

#include "engine/sources/generic_fields.h"

namespace peregrine::engine {

namespace {

using k8s_audit::JsonPath;

// Appends fields and their recipes in step, so specs[i] always belongs to infos[i].
class TableBuilder {
 public:
  explicit TableBuilder(AuditFieldTable& t) : t_(t) {}

  // A single-valued string field without argument.
  void single(const char* name, AuditFieldSpec spec, const char* desc) {
    add(name, spec, desc, ArgMode::kNone, false, false);
  }
  // A multi-valued string field without argument.
  void list(const char* name, AuditFieldSpec spec, const char* desc) {
    add(name, spec, desc, ArgMode::kNone, false, true);
  }
  // A multi-valued string field whose optional [N] selects one element.
  void indexed_list(const std::string& name, AuditFieldSpec spec, const std::string& desc) {
    add(name, spec, desc, ArgMode::kOptional, true, true);
  }
  // A single-valued string field that needs a [KEY] argument.
  void keyed(const char* name, AuditFieldSpec spec, const char* desc) {
    add(name, spec, desc, ArgMode::kRequired, false, false);
  }

  void add(const std::string& name, AuditFieldSpec spec, const std::string& desc, ArgMode arg,
           bool arg_is_index, bool is_list, const char* availability = "") {
    FieldInfo f;
    f.name = name;
    f.type = FieldType::kString;
    f.description = desc;
    f.arg = arg;
    f.arg_is_index = arg_is_index;
    f.is_list = is_list;
    f.availability = availability;
    t_.infos.push_back(std::move(f));
    t_.specs.push_back(spec);
  }

 private:
  AuditFieldTable& t_;
};

AuditFieldSpec at(AuditOp op, JsonPath path = {}) {
  AuditFieldSpec s;
  s.op = op;
  s.path = path;
  return s;
}

AuditFieldSpec value(JsonPath path) { return at(AuditOp::kValue, path); }
AuditFieldSpec values(JsonPath path) { return at(AuditOp::kValues, path); }

AuditFieldSpec subjects(SubjectSelect which) {
  AuditFieldSpec s = at(AuditOp::kBindingSubjects);
  s.subjects = which;
  return s;
}

void add_request_fields(TableBuilder& b) {
  b.single("ka.auditid", value({"auditID"}),
           "Unique id the API server gave the request; every stage of one request shares it.");
  b.single("ka.stage", value({"stage"}),
           "Stage of request handling this event records: RequestReceived, ResponseStarted, "
           "ResponseComplete or Panic.");
  b.single("ka.verb", value({"verb"}),
           "Kubernetes verb of the request (get, list, watch, create, update, patch, delete, "
           "...).");
  b.single("ka.uri", value({"requestURI"}), "Request URI exactly as the client sent it.");
  b.keyed("ka.uri.param", at(AuditOp::kUriParam),
          "Decoded value of query parameter KEY of the request URI; the first one when the "
          "parameter repeats (for /exec?command=sh&command=-c, ka.uri.param[command] is sh).");
  b.single("ka.useragent", value({"userAgent"}), "User agent string the client sent.");
  b.indexed_list("ka.sourceips", values({"sourceIPs"}),
                 "Client IP addresses the API server recorded, nearest proxy first; [N] picks "
                 "one.");
}

void add_identity_fields(TableBuilder& b) {
  b.single("ka.user.name", value({"user", "username"}),
           "Name of the authenticated user that made the request.");
  b.list("ka.user.groups", values({"user", "groups"}),
         "Groups the authenticated user belongs to.");
  b.single("ka.impuser.name", value({"impersonatedUser", "username"}),
           "Name of the user being impersonated, when the request used impersonation.");
  b.single("ka.auth.decision", value({"annotations", "authorization.k8s.io/decision"}),
           "Authorizer verdict on the request (allow or forbid), from the audit annotations.");
  b.single("ka.auth.reason", value({"annotations", "authorization.k8s.io/reason"}),
           "Why the authorizer decided as it did (for RBAC, the binding and role that allowed "
           "it), from the audit annotations.");
  b.single("ka.auth.openshift.decision",
           value({"annotations", "authentication.openshift.io/decision"}),
           "Decision of OpenShift's authentication extension; only OpenShift API servers set it.");
  b.single("ka.auth.openshift.username",
           value({"annotations", "authentication.openshift.io/username"}),
           "User name OpenShift's authentication extension saw; only OpenShift sets it.");
  b.single("ka.validations.admission.policy.failure",
           value({"annotations", "validation.policy.admission.k8s.io/validation_failure"}),
           "Failures a ValidatingAdmissionPolicy reported for the request (a JSON list as text).");
  b.single("ka.security.pod.violations",
           value({"annotations", "pod-security.kubernetes.io/audit-violations"}),
           "Pod Security Admission violations recorded for the request, as the annotation text.");
}

void add_target_fields(TableBuilder& b) {
  b.single("ka.target.name", value({"objectRef", "name"}),
           "Name of the object the request targets.");
  b.single("ka.target.namespace", value({"objectRef", "namespace"}),
           "Namespace of the object the request targets.");
  b.single("ka.target.resource", value({"objectRef", "resource"}),
           "Resource type the request targets (pods, secrets, clusterrolebindings, ...).");
  b.single("ka.target.subresource", value({"objectRef", "subresource"}),
           "Subresource the request targets (exec, attach, log, status, ...).");
  b.single("ka.target.pod.name", at(AuditOp::kTargetPodName),
           "Name of the pod the request concerns: the target when it is a pod (including "
           "subresources such as exec), else the name in a Pod request or response object.");
  b.single("ka.resp.name", value({"responseObject", "metadata", "name"}),
           "Name of the object in the response (for creates, the name the server assigned).");
  b.single("ka.response.code", value({"responseStatus", "code"}),
           "HTTP status code of the response, as text (\"200\", \"403\", ...).");
  b.single("ka.response.reason", value({"responseStatus", "reason"}),
           "Machine-readable reason of the response status, usually set only on failures.");
  b.add("ka.cluster.name", at(AuditOp::kClusterName),
        "Name of the Kubernetes cluster the event came from.", ArgMode::kNone, false, false,
        "kube-apiserver does not name its cluster in audit events: the value comes from a "
        "cluster_name annotation (as GKE's converted logs carry) or from the cluster name the "
        "source was configured with, and is missing otherwise.");
}

void add_rbac_fields(TableBuilder& b) {
  b.list("ka.req.binding.subjects", values({"requestObject", "subjects"}),
         "Subjects (users, groups, service accounts) a role binding in the request grants the "
         "role to, each as compact JSON.");
  b.list("ka.req.binding.subjects.user_names", subjects(SubjectSelect::kUserNames),
         "Names of the User subjects of a role binding in the request.");
  b.list("ka.req.binding.subjects.serviceaccount_names",
         subjects(SubjectSelect::kServiceAccountNames),
         "Names of the ServiceAccount subjects of a role binding in the request.");
  b.list("ka.req.binding.subjects.serviceaccount_ns_names",
         subjects(SubjectSelect::kServiceAccountNsNames),
         "ServiceAccount subjects of a role binding in the request, as namespace:name.");
  b.list("ka.req.binding.subjects.group_names", subjects(SubjectSelect::kGroupNames),
         "Names of the Group subjects of a role binding in the request.");
  b.single("ka.req.binding.role", value({"requestObject", "roleRef", "name"}),
           "Name of the role or cluster role a role binding in the request refers to.");
  b.keyed("ka.req.binding.subject.has_name", at(AuditOp::kBindingHasName),
          "Legacy: \"true\" when some subject of the role binding in the request is named KEY, "
          "\"false\" when none is.");
  b.list("ka.req.role.rules", values({"requestObject", "rules"}),
         "Rules of a role or cluster role in the request, each as compact JSON.");
  const char* rule_keys[][2] = {{"apiGroups", "API groups"},
                                {"nonResourceURLs", "non-resource URLs"},
                                {"verbs", "verbs"},
                                {"resources", "resources"}};
  for (auto& [key, what] : rule_keys) {
    b.indexed_list(std::string("ka.req.role.rules.") + key, at(AuditOp::kRoleRuleItems, {key}),
                   std::string("Every ") + what +
                       " entry of the rules of a role or cluster role in the request; [N] "
                       "limits it to rule N.");
  }
}

void add_misc_object_fields(TableBuilder& b) {
  b.single("ka.req.configmap.name", value({"objectRef", "name"}),
           "Name of the ConfigMap the request targets.");
  b.single("ka.req.configmap.obj", value({"requestObject", "data"}),
           "The data of a ConfigMap in the request, as compact JSON (to search for secrets).");
  b.single("ka.req.service.type", value({"requestObject", "spec", "type"}),
           "Type of a Service in the request (ClusterIP, NodePort, LoadBalancer, ExternalName).");
  b.indexed_list("ka.req.service.ports", values({"requestObject", "spec", "ports"}),
                 "Ports of a Service in the request, each as compact JSON; [N] picks one.");
}

void add_pod_fields(TableBuilder& b) {
  b.single("ka.req.pod.host_ipc", at(AuditOp::kPodFlag, {"hostIPC"}),
           "Whether a pod in the request shares the host's IPC namespace (\"false\" when unset).");
  b.single("ka.req.pod.host_network", at(AuditOp::kPodFlag, {"hostNetwork"}),
           "Whether a pod in the request uses the host's network (\"false\" when unset).");
  b.single("ka.req.container.host_network", at(AuditOp::kPodFlag, {"hostNetwork"}),
           "Legacy alias of ka.req.pod.host_network.");
  b.single("ka.req.pod.host_pid", at(AuditOp::kPodFlag, {"hostPID"}),
           "Whether a pod in the request shares the host's process namespace (\"false\" when "
           "unset).");
  b.single("ka.req.pod.run_as_user",
           value({"requestObject", "spec", "securityContext", "runAsUser"}),
           "runAsUser of the pod-level security context of a pod in the request.");
  b.single("ka.req.pod.run_as_group",
           value({"requestObject", "spec", "securityContext", "runAsGroup"}),
           "runAsGroup of the pod-level security context of a pod in the request.");
  b.single("ka.req.pod.fs_group", value({"requestObject", "spec", "securityContext", "fsGroup"}),
           "fsGroup of the pod-level security context of a pod in the request.");
  b.list("ka.req.pod.supplemental_groups",
         values({"requestObject", "spec", "securityContext", "supplementalGroups"}),
         "Supplemental group ids of the pod-level security context of a pod in the request.");
  b.single("ka.req.container.image", at(AuditOp::kFirstContainerImage),
           "Legacy: image of the first container of a pod in the request.");
  b.single("ka.req.container.image.repository", at(AuditOp::kFirstContainerRepo),
           "Legacy: image repository (no tag or digest) of the first container of a pod in the "
           "request.");
  b.single("ka.req.container.privileged", at(AuditOp::kAnyPrivileged),
           "Legacy: \"true\" when any container of a pod in the request is privileged, else "
           "\"false\".");
  b.indexed_list("ka.req.pod.volumes.hostpath", at(AuditOp::kVolumeValues, {"hostPath", "path"}),
                 "Host paths mounted by the hostPath volumes of a pod in the request; [N] looks "
                 "at volume N only.");
  b.keyed("ka.req.volume.hostpath", at(AuditOp::kVolumeHostPathMatch),
          "Legacy: \"true\" when a hostPath volume of a pod in the request mounts PATH (a "
          "trailing * makes PATH a prefix), else \"false\".");
  b.indexed_list("ka.req.pod.volumes.flexvolume_driver",
                 at(AuditOp::kVolumeValues, {"flexVolume", "driver"}),
                 "Drivers of the flexVolume volumes of a pod in the request; [N] looks at volume "
                 "N only.");
  b.indexed_list("ka.req.pod.volumes.volume_type", at(AuditOp::kVolumeTypes),
                 "Source type of each volume of a pod in the request (hostPath, secret, "
                 "configMap, ...); [N] looks at volume N only.");
}

void add_jevt_fields(TableBuilder& b) {
  b.keyed("jevt.value", at(AuditOp::kJevtValue),
          "Value at JSON pointer PTR in the audit event (jevt.value[/objectRef/resource]): a "
          "string as is, anything else as compact JSON.");
  b.single("jevt.obj", at(AuditOp::kJevtObj), "The whole audit event as compact JSON.");
  b.single("jevt.rawtime", at(AuditOp::kJevtRawtime),
           "Time of the event in nanoseconds since the epoch, as text.");
  b.single("jevt.time", at(AuditOp::kJevtTime),
           "Time of the event as HH:MM:SS.nanoseconds (UTC), as evt.time.");
  b.single("jevt.time.iso8601", at(AuditOp::kJevtTimeIso8601),
           "Time of the event in ISO 8601 form with nanoseconds (UTC), as evt.time.iso8601.");
}

void add_container_fields(TableBuilder& b) {
  struct Prop {
    ContainerProp prop;
    const char* suffix;
    const char* what;
  };
  static const Prop kProps[] = {
      {ContainerProp::kName, "name", "Name"},
      {ContainerProp::kImage, "image", "Image"},
      {ContainerProp::kImageRepository, "image.repository",
       "Image repository (the image without tag or digest, e.g. docker.io/library/nginx)"},
      {ContainerProp::kCommand, "command", "Command (entrypoint) entries"},
      {ContainerProp::kArgs, "args", "Argument entries"},
      {ContainerProp::kPrivileged, "privileged",
       "securityContext.privileged flag (containers that leave it unset add nothing)"},
      {ContainerProp::kAllowPrivilegeEscalation, "allow_privilege_escalation",
       "securityContext.allowPrivilegeEscalation flag (containers that leave it unset add "
       "nothing)"},
      {ContainerProp::kReadOnlyFs, "read_only_fs",
       "securityContext.readOnlyRootFilesystem flag (containers that leave it unset add "
       "nothing)"},
      {ContainerProp::kRunAsUser, "run_as_user",
       "securityContext.runAsUser (containers that leave it unset add nothing)"},
      {ContainerProp::kEffRunAsUser, "eff_run_as_user",
       "Effective uid: the container's runAsUser, else the pod's, else 0"},
      {ContainerProp::kRunAsGroup, "run_as_group",
       "securityContext.runAsGroup (containers that leave it unset add nothing)"},
      {ContainerProp::kEffRunAsGroup, "eff_run_as_group",
       "Effective gid: the container's runAsGroup, else the pod's, else 0"},
      {ContainerProp::kProcMount, "proc_mount", "securityContext.procMount type"},
      {ContainerProp::kAddCapabilities, "add_capabilities",
       "Capabilities added by securityContext.capabilities.add"},
      {ContainerProp::kHostPort, "host_port",
       "Host ports (hostPort, or containerPort when hostPort is unset)"},
  };
  struct List {
    ContainerList list;
    const char* kind;
  };
  static const List kLists[] = {{ContainerList::kContainers, "regular"},
                                {ContainerList::kInitContainers, "init"},
                                {ContainerList::kEphemeralContainers, "ephemeral"}};
  for (const List& l : kLists) {
    for (const Prop& p : kProps) {
      // Ephemeral containers may not declare ports, so Falco has no such field either.
      if (l.list == ContainerList::kEphemeralContainers && p.prop == ContainerProp::kHostPort) {
        continue;
      }
      AuditFieldSpec s = at(AuditOp::kContainerProp);
      s.containers = l.list;
      s.prop = p.prop;
      b.indexed_list(std::string("ka.req.pod.") + std::string(container_list_key(l.list)) + "." +
                         p.suffix,
                     s,
                     std::string(p.what) + ", for each " + l.kind +
                         " container of a pod in the request; [N] looks at container N only.");
    }
  }
}

}  // namespace

std::string_view container_list_key(ContainerList list) {
  switch (list) {
    case ContainerList::kContainers: return "containers";
    case ContainerList::kInitContainers: return "initContainers";
    case ContainerList::kEphemeralContainers: return "ephemeralContainers";
  }
  return "containers";
}

AuditFieldTable audit_field_table() {
  AuditFieldTable t;
  t.infos = generic_fields();
  t.specs.resize(t.infos.size());  // kGeneric
  TableBuilder b(t);
  add_request_fields(b);
  add_identity_fields(b);
  add_target_fields(b);
  add_rbac_fields(b);
  add_misc_object_fields(b);
  add_pod_fields(b);
  add_container_fields(b);
  add_jevt_fields(b);
  return t;
}

}  // namespace peregrine::engine
