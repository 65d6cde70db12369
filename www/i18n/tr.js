// Türkçe kullanıcı metinleri. Buradaki her anahtarın en.js içinde bir karşılığı vardır.
export default {
  'app.tagline': 'Tarayıcınızda çalışan gerçek bir Raft kümesi.',
  'app.language': 'Dil',
  'app.loading': 'Küme yükleniyor…',
  'app.ready': '{nodes} sunuculu küme hazır (tohum {seed}, raftlab {version}).',
  'app.loadFailed': 'raftlab başlatılamadı: {message}',
  'cluster.aria': 'Küme: bir çember üzerine yerleştirilmiş sunucular',
  'node.label': 'S{id}',
};
