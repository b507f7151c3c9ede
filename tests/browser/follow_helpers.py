"""The dashboard's follower in a real Chromium, handed a folder through the Origin
Private File System: the same FileSystemDirectoryHandle the native picker returns,
without a dialog a headless browser cannot answer."""

import base64

# Before any page script: the picker answers with the OPFS folder "History", and a flag
# lets a test withdraw the read permission as a browser does when the DJ revokes it.
PICKER_JS = """
window.pikaRevoked = false;
window.showDirectoryPicker = async () => {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(FOLDER, { create: true });
};
for (const kind of [FileSystemDirectoryHandle, FileSystemFileHandle]) {
  kind.prototype.queryPermission = async function () { return window.pikaRevoked ? "prompt" : "granted"; };
  kind.prototype.requestPermission = async function () { window.pikaRevoked = false; return "granted"; };
}
"""


def opfs_picker(folder="History"):
    """The picker answers with this OPFS folder ("History", or "VirtualDJ" with History inside)."""
    return PICKER_JS.replace("FOLDER", repr(folder))


OPFS_PICKER = opfs_picker()

NO_PICKER = "delete window.showDirectoryPicker; delete Window.prototype.showDirectoryPicker;"

WRITE_JS = """
async ([path, name, data, append]) => {
  let folder = await navigator.storage.getDirectory();
  for (const part of path.split("/")) folder = await folder.getDirectoryHandle(part, { create: true });
  const file = await folder.getFileHandle(name, { create: true });
  const writable = await file.createWritable({ keepExistingData: append });
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  if (append) await writable.seek((await file.getFile()).size);
  await writable.write(bytes);
  await writable.close();
}
"""

CLEAR_JS = """
async (folder) => {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(folder, { recursive: true }).catch(() => {});
  await root.getDirectoryHandle(folder, { create: true });
}
"""


def write(page, name, data: bytes, append=False, folder="History"):
    """Write (or append to) a file in an OPFS folder ("History", "VirtualDJ/History"), as VirtualDJ would."""
    page.evaluate(WRITE_JS, [folder, name, base64.b64encode(data).decode(), append])


def clear(page, folder="History"):
    page.evaluate(CLEAR_JS, folder)
