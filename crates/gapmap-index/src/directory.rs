//! An index generation's folder opened for reading only.
//!
//! A generation is never written once complete (a build writes a new one, see [`crate::store`]),
//! so its readers need neither tantivy's lock file nor write access: a store on a read-only
//! disk, or one the user may only read, is searched as any other.

use std::io;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

use crate::IndexError;

/// A folder of a complete index generation, read without writing anything in it.
#[derive(Clone, Debug)]
pub(crate) struct ReadOnly(MmapDirectory);

impl ReadOnly {
    /// Opens the index folder `dir` for reading.
    pub(crate) fn open(dir: &Path) -> Result<tantivy::Index, IndexError> {
        let folder = MmapDirectory::open(dir).map_err(|e| IndexError::Damaged {
            path: dir.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(tantivy::Index::open(ReadOnly(folder))?)
    }
}

/// The error of a write attempted on a read-only generation: a bug, never the user's doing.
fn refused(path: &Path) -> Arc<io::Error> {
    Arc::new(io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "{} is part of a complete index generation, opened for reading only",
            path.display()
        ),
    ))
}

impl Directory for ReadOnly {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: refused(path),
            filepath: path.to_owned(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: refused(path),
            filepath: path.to_owned(),
        })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, _: &[u8]) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            refused(path).to_string(),
        ))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    /// No lock: the lock keeps a writer's garbage collection from removing the files a reader
    /// opens, and nothing writes in a complete generation.
    fn acquire_lock(&self, _: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _: WatchCallback) -> tantivy::Result<WatchHandle> {
        // Readers reload manually: nothing to watch.
        Ok(WatchHandle::empty())
    }
}
