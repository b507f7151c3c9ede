"""The dashboard's follower in a real Chromium, handed a folder through the Origin
Private File System: the same FileSystemDirectoryHandle the native picker returns,
without a dialog a headless browser cannot answer."""

import base64

# Before any page script: the picker answers with the OPFS folder "History", and a flag
# lets a test withdraw the read permission as a browser does when the DJ revokes it.
OPFS_PICKER = """
window.pikaRevoked = false;
window.showDirectoryPicker = async () => {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle("History", { create: true });
};
for (const kind of [FileSystemDirectoryHandle, FileSystemFileHandle]) {
  kind.prototype.queryPermission = async function () { return window.pikaRevoked ? "prompt" : "granted"; };
  kind.prototype.requestPermission = async function () { window.pikaRevoked = false; return "granted"; };
}
"""

NO_PICKER = "delete window.showDirectoryPicker; delete Window.prototype.showDirectoryPicker;"

WRITE_JS = """
async ([name, data, append]) => {
  const root = await navigator.storage.getDirectory();
  const folder = await root.getDirectoryHandle("History", { create: true });
  const file = await folder.getFileHandle(name, { create: true });
  const writable = await file.createWritable({ keepExistingData: append });
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  if (append) await writable.seek((await file.getFile()).size);
  await writable.write(bytes);
  await writable.close();
}
"""

CLEAR_JS = """
async () => {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry("History", { recursive: true }).catch(() => {});
  await root.getDirectoryHandle("History", { create: true });
}
"""


def write(page, name, data: bytes, append=False):
    """Write (or append to) a file in the OPFS History folder, as VirtualDJ would."""
    page.evaluate(WRITE_JS, [name, base64.b64encode(data).decode(), append])


def clear(page):
    page.evaluate(CLEAR_JS)
