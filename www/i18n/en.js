// English user-visible text. Every key here has a Turkish twin in tr.js (checked by tests).
export default {
  'app.tagline': 'A real Raft cluster, running in your browser.',
  'app.language': 'Language',
  'app.loading': 'Loading the cluster…',
  'app.ready': 'Cluster of {nodes} servers ready (seed {seed}, raftlab {version}).',
  'app.loadFailed': 'raftlab could not start: {message}',
  'cluster.aria': 'The cluster: servers drawn on a ring',
  'node.label': 'S{id}',
};
