#pragma once
// A tests/data fixture copied into a temporary directory, for tests that open it in
// MainWindow. Sessions are kept per trace path (views/window/session_store.h): a copy at
// a fresh path has none an earlier run left behind, and a test may delete it, replace it
// or put files beside it without touching the source tree.
#include <gtest/gtest.h>

#include <QFile>
#include <QFileInfo>
#include <QString>
#include <QTemporaryDir>

#include "support/test_data.h"

namespace kestrel::test {

class FixtureCopy {
public:
    explicit FixtureCopy(const std::string& name) {
        const QString source = QString::fromStdString(dataPath(name));
        m_path = m_dir.filePath(QFileInfo(source).fileName());
        if (!m_dir.isValid() || !QFile::copy(source, m_path))
            ADD_FAILURE() << "cannot copy " << name << " to " << m_dir.path().toStdString();
    }
    // The copy; its directory and everything saved in it go with this object.
    const QString& path() const { return m_path; }
    QString dir() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
    QString m_path;
};

}  // namespace kestrel::test
